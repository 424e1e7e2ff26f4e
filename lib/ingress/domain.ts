import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';

/**
 * Public names of the API, UI and Console, and how HTTPS is set up for them.
 *
 * Host routing (default): each service on its own host name. Path routing: give `uiBasePath` /
 * `consoleBasePath` and the UI / Console are served under that path (Membrane's `BASE_PATH`), by default
 * on the API's host.
 */
export interface MembraneServicesDomain {
  /** Host name of the API, e.g. `api.example.com`. `BASE_URI` is `https://<apiDomainName>`. */
  readonly apiDomainName: string;

  /**
   * Host name of the UI.
   *
   * @default - `apiDomainName` when `uiBasePath` is set; otherwise required
   */
  readonly uiDomainName?: string;

  /**
   * Host name of the Console.
   *
   * @default - `apiDomainName` when `consoleBasePath` is set; otherwise required
   */
  readonly consoleDomainName?: string;

  /**
   * Serve the UI under this path (`BASE_PATH`, e.g. `/ui-app`): leading slash, no trailing slash.
   *
   * @default - the UI is served at the root of its host
   */
  readonly uiBasePath?: string;

  /**
   * Serve the Console under this path (`BASE_PATH`, e.g. `/console-app`): leading slash, no trailing slash.
   *
   * @default - the Console is served at the root of its host
   */
  readonly consoleBasePath?: string;

  /**
   * Hosted zone for the alias records and, without `certificate`, for the DNS-validated certificate.
   *
   * @default - no DNS records; `certificate` is then required
   */
  readonly zone?: route53.IHostedZone;

  /**
   * Certificate covering every host name above.
   *
   * @default - a DNS-validated certificate in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
}
