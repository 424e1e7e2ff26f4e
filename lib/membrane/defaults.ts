import { RemovalPolicy } from 'aws-cdk-lib';
import { MembraneProps } from './props';
import { MembraneBucketBackup } from '../backup';
import { MembraneFirewall } from '../ingress';
import { MembraneAutoscaling } from '../scaling';

/**
 * Host names relative to the zone: "Self-hosting" shows `api.`, `ui.` and `static.` hosts of one domain in its examples
 * (`BASE_URI`, `NEXT_PUBLIC_ENGINE_UI_URI`, `BASE_STATIC_URI`); the Console follows the same pattern.
 */
export const DEFAULT_HOSTS = { api: 'api', ui: 'ui', console: 'console', static: 'static' } as const;

/** Data is kept when it leaves the stack ("Self-hosting": all buckets should be backed up regularly). */
export const DEFAULT_RETAIN_DATA = true;

/** Autoscaling on ("Frequently Asked Questions": enable autoscaling; "Autoscaling Configuration" for production). */
export const DEFAULT_AUTOSCALING = MembraneAutoscaling.enabled();

/** A web ACL in front of the load balancer (a choice of this library: AWS managed rule groups and a rate limit per IP). */
export const DEFAULT_FIREWALL = MembraneFirewall.managed();

/**
 * The buckets a `Membrane` creates are backed up when it retains data ("Self-hosting": all buckets should be backed up
 * regularly); a throw-away environment is not (a vault with recovery points cannot be deleted).
 */
export function defaultBackup(retain: boolean): MembraneBucketBackup {
  return retain ? MembraneBucketBackup.awsBackup() : MembraneBucketBackup.none();
}

/** The props of a `Membrane` that several building blocks share, with their defaults filled in. */
export interface MembraneSettings {
  /** `retainData`. */
  readonly retain: boolean;
  /** `firewall`. */
  readonly firewall: MembraneFirewall;
  /** `autoscaling`. */
  readonly autoscaling: MembraneAutoscaling;
  /** `backup`. */
  readonly backup: MembraneBucketBackup;
  /** What happens to buckets, log groups and the cache's secrets: RETAIN, or DESTROY without `retainData`. */
  readonly removalPolicy: RemovalPolicy;
  /** What happens to the caches: a final snapshot, or DESTROY without `retainData`. */
  readonly cacheRemovalPolicy: RemovalPolicy;
  /** What happens to `SECRET`, `ENCRYPTION_SECRET` and the MongoDB secrets: RETAIN unless `secretRemovalPolicy` says otherwise. */
  readonly secretRemovalPolicy: RemovalPolicy;
  /** Full host names: the API's, the UI's and the Console's (none when served under a path of the API host), the static files'. */
  readonly hosts: { readonly api: string; readonly ui?: string; readonly console?: string; readonly static: string };
}

/** Fills in the defaults of the props; call after validation (it reads the zone's name). */
export function membraneSettings(props: MembraneProps): MembraneSettings {
  const retain = props.retainData ?? DEFAULT_RETAIN_DATA;
  const domain = props.domain;
  const zoneName = domain.zone.zoneName.replace(/\.$/, '');
  const host = (relative: string) => `${relative}.${zoneName}`;
  return {
    retain,
    firewall: props.firewall ?? DEFAULT_FIREWALL,
    autoscaling: props.autoscaling ?? DEFAULT_AUTOSCALING,
    backup: props.backup ?? defaultBackup(retain),
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    cacheRemovalPolicy: retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
    secretRemovalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    hosts: {
      api: host(domain.apiHost ?? DEFAULT_HOSTS.api),
      ui: domain.uiBasePath ? undefined : host(domain.uiHost ?? DEFAULT_HOSTS.ui),
      console: domain.consoleBasePath ? undefined : host(domain.consoleHost ?? DEFAULT_HOSTS.console),
      static: host(domain.staticHost ?? DEFAULT_HOSTS.static),
    },
  };
}
