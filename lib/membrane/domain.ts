import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';

/**
 * Where Membrane is reached: host names in one public hosted zone. Names ending in `Host` are relative to
 * the zone; the building blocks take full names (`...DomainName`). Each name gets a DNS record (the static host also
 * a CloudFront alias), so a name may be used once in an app: a second Membrane, a `MembraneStorage` or a
 * `MembraneEcsServices` anywhere in the app with the same name, even in another hosted zone of that name, is refused at
 * synth, since whichever stack deploys second would fail.
 */
export interface MembraneDomain {
  /** Public hosted zone; the host names below are created in it, with a DNS-validated certificate. */
  readonly zone: route53.IHostedZone;

  /**
   * API host, relative to the zone (`api` gives `api.<zone>`). BASE_URI is `https://<api host>`.
   *
   * @default 'api'
   */
  readonly apiHost?: string;

  /**
   * UI host, relative to the zone. Ignored with `uiBasePath`, which serves the UI on the API host.
   *
   * @default 'ui'
   */
  readonly uiHost?: string;

  /**
   * Console host, relative to the zone. Ignored with `consoleBasePath`.
   *
   * @default 'console'
   */
  readonly consoleHost?: string;

  /**
   * Serve the UI under this path of the API host (`BASE_PATH`, e.g. `/ui-app`).
   *
   * @default - the UI has its own host
   */
  readonly uiBasePath?: string;

  /**
   * Serve the Console under this path of the API host (`BASE_PATH`, e.g. `/console-app`).
   *
   * @default - the Console has its own host
   */
  readonly consoleBasePath?: string;

  /**
   * Static files host, relative to the zone. CloudFront needs its certificate in us-east-1: see
   * `createStaticCertificate`.
   *
   * @default 'static'
   */
  readonly staticHost?: string;

  /**
   * Certificate (in us-east-1) for the static files host.
   *
   * @default - a DNS-validated certificate (see `createStaticCertificate`)
   */
  readonly staticCertificate?: acm.ICertificate;

  /**
   * Create the static host's certificate when `staticCertificate` is not given: in this stack when it is in us-east-1,
   * otherwise in a companion stack in us-east-1 (`Membrane.certificateStack`, same account and app; its ARN reaches
   * this stack through aws-cdk-lib's cross-region references). The zone must then be imported (literal id and name).
   * `false` serves static files from the distribution's `*.cloudfront.net` name.
   *
   * @default true
   */
  readonly createStaticCertificate?: boolean;
}
