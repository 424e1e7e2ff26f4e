import { Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { propError } from '../../common/validation';
import { PublicServiceKey } from '../../services/private/services-table';
import { MembraneServicesDomain } from '../domain';

/** Where one public service is reached. */
export interface Route { readonly host: string; readonly basePath?: string; readonly url: string }
/** Routes of the three public services and the distinct host names (API's first). */
export type Routes = { readonly [K in PublicServiceKey]: Route } & { readonly hosts: string[] };

/** Validates the domain settings and derives hosts, base paths and URLs. */
export function resolveRoutes(scope: Construct, domain: MembraneServicesDomain): Routes {
  if (!domain.certificate && !domain.zone) {
    throw propError(scope, 'domain', 'neither certificate nor zone is given, so HTTPS has no certificate',
      'Give domain.certificate (covering every host name) or domain.zone to create a DNS-validated one.');
  }
  const route = (service: PublicServiceKey, host: string | undefined, basePath: string | undefined): Route => {
    const hostProp = `domain.${service}DomainName`;
    const resolvedHost = host ?? (basePath ? domain.apiDomainName : undefined);
    if (!resolvedHost) {
      throw propError(scope, hostProp, `the ${service} needs a host name`, `Set ${hostProp}, or set domain.${service}BasePath to serve it under a `
        + 'path of the API\'s host.');
    }
    checkHostName(scope, hostProp, resolvedHost, domain.zone, 'console.example.com');
    if (basePath !== undefined && !Token.isUnresolved(basePath) && !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(basePath)) {
      throw propError(scope, `domain.${service}BasePath`, `'${basePath}' is not a path prefix`,
        'BASE_PATH starts with \'/\' and has no trailing \'/\', e.g. \'/ui-app\' ("Self-hosting" page).');
    }
    return { host: resolvedHost, basePath, url: `https://${resolvedHost}${basePath ?? ''}` };
  };
  const api = route('api', domain.apiDomainName, undefined);
  const ui = route('ui', domain.uiDomainName, domain.uiBasePath);
  const consoleRoute = route('console', domain.consoleDomainName, domain.consoleBasePath);
  const all = { api, ui, console: consoleRoute };
  const entries = Object.entries(all);
  entries.forEach(([a, ra], i) => entries.slice(i + 1).forEach(([b, rb]) => {
    if (ra.host === rb.host && (ra.basePath ?? '') === (rb.basePath ?? '')) {
      throw propError(scope, `domain.${b}BasePath`, `the ${a} and the ${b} would both be served at https://${ra.host}${ra.basePath ?? '/'}`,
        `Give the ${b} its own host name or a base path such as '/${b}-app'.`);
    }
  }));
  const hosts = [...new Set([api.host, ui.host, consoleRoute.host])];
  return { ...all, hosts };
}

/**
 * Checks a host name: lowercase, without scheme or path, and inside `zone` when one is given (its records and
 * DNS-validated certificate are created there).
 */
export function checkHostName(scope: Construct, prop: string, host: string, zone: route53.IHostedZone | undefined, example: string): void {
  if (!Token.isUnresolved(host) && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(host)) {
    throw propError(scope, prop, `'${host}' is not a lowercase host name`, `Give a host name without scheme or path, e.g. ${example}.`);
  }
  if (zone && !Token.isUnresolved(zone.zoneName) && !Token.isUnresolved(host) && !(`.${host}`).endsWith(`.${zone.zoneName.replace(/\.$/, '')}`)) {
    throw propError(scope, prop, `'${host}' is not in the hosted zone ${zone.zoneName}`,
      'Use host names inside the zone, or give a certificate and create the DNS records yourself.');
  }
}

/** A public service as its listener rule sees it: its name, and the rule priorities of a host route and of a path route. */
export interface RoutedService {
  readonly name: string;
  readonly rulePriority?: { readonly host: number; readonly path?: number };
}

/** The listener rule of a public service: host condition, path condition under a base path, and its priority. */
export function listenerRule(service: RoutedService, route: Route): { priority: number; conditions: elbv2.ListenerCondition[] } {
  const conditions = [elbv2.ListenerCondition.hostHeaders([route.host])];
  if (route.basePath) conditions.push(elbv2.ListenerCondition.pathPatterns([route.basePath, `${route.basePath}/*`]));
  const priority = route.basePath ? service.rulePriority?.path : service.rulePriority?.host;
  if (priority === undefined) throw new Error(`${service.name} has no listener-rule priority for this route`);
  return { priority, conditions };
}
