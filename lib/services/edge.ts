import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MembranePublicEdgeOptions } from './exposure';
import { createFirewall } from './firewall';
import { checkHostName } from './routing';
import { EDGE_TAG, MEMBRANE_PORT } from '../common/constants';
import { acknowledge } from '../common/nag';
import { known, propError } from '../common/validation';

/** ALB limits: up to 3 values in a path-pattern condition (and 5 in a rule, with the host header's one). */
const PATHS_PER_RULE = 3;
/** A listener has at most 100 rules; far fewer paths than that are ever needed. */
const MAX_PATHS_PER_HOST = 30;

/** ALB path-pattern syntax: a leading slash, up to 128 characters from this set (`*` and `?` are wildcards). */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;

/** Whether an ALB path pattern matches every path (`/*`, `*`, `/**`, `/?*`): only wildcards after the slash. */
export function matchesEveryPath(pattern: string): boolean {
  return /^\/?[*?]*\*[*?]*$/.test(pattern);
}

/** One host of the edge and the paths it forwards. */
interface EdgeHost { readonly prop: string; readonly host: string; readonly paths: string[]; readonly pathsProp: string }

/** The edge's host names with their paths, checked; one entry when webhooks and OAuth callbacks share a host. */
export function edgeHosts(scope: Construct, edge: MembranePublicEdgeOptions, zone: route53.IHostedZone | undefined): EdgeHost[] {
  const hosts: EdgeHost[] = [
    { prop: 'exposure.webhooksDomainName', host: edge.webhooksDomainName, paths: edge.webhookPaths, pathsProp: 'exposure.webhookPaths' },
    {
      prop: 'exposure.oauthCallbackDomainName',
      host: edge.oauthCallbackDomainName,
      paths: edge.oauthCallbackPaths,
      pathsProp: 'exposure.oauthCallbackPaths',
    },
  ];
  for (const { prop, host, paths, pathsProp } of hosts) {
    if (!host) {
      throw propError(scope, prop, 'it is required', `Give the public host name, e.g. ${prop.includes('oauth') ? 'oauth' : 'webhooks'}.example.com.`);
    }
    checkHostName(scope, prop, host, edge.certificate ? undefined : zone, 'webhooks.example.com');
    if (!paths || paths.length === 0) {
      throw propError(scope, pathsProp, 'no path is forwarded', 'List the ALB path patterns Membrane uses on this host (see '
        + 'MembranePublicEdgeOptions in API.md for how to find them), e.g. [\'/webhooks/*\'].');
    }
    if (paths.length > MAX_PATHS_PER_HOST) {
      throw propError(scope, pathsProp, `${paths.length} patterns are more than ${MAX_PATHS_PER_HOST}`,
        'Use wildcards (`*`) to cover several paths.');
    }
    for (const path of paths.filter(known)) {
      if (matchesEveryPath(path)) {
        throw propError(scope, pathsProp, `'${path}' forwards every path, which publishes the whole API`,
          'Forward only the webhook and OAuth callback paths; for a public API use MembraneExposure.internetFacing().');
      }
      if (!PATH_PATTERN.test(path)) {
        throw propError(scope, pathsProp, `'${path}' is not an ALB path pattern`,
          'Start with \'/\'; use up to 128 letters, digits and _-.$/~"\'@:+&, with * and ? as wildcards.');
      }
    }
  }
  const [webhooks, oauth] = hosts;
  if (known(webhooks.host) && webhooks.host === oauth.host) {
    return [{ ...webhooks, paths: [...new Set([...webhooks.paths, ...oauth.paths])] }];
  }
  return hosts;
}

/** The acknowledgement of a load balancer whose deletion protection is off on request. */
export function acknowledgeNoDeletionProtection(loadBalancer: elbv2.IApplicationLoadBalancer): void {
  acknowledge(loadBalancer, {
    id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
    reason: 'Deletion protection is off on request (loadBalancerDeletionProtection: false, a throw-away environment), so the stack can be '
      + 'deleted in one step.',
  });
}

/** What the public edge needs from the services construct. */
export interface PublicEdgeProps {
  readonly vpc: ec2.IVpc;
  readonly options: MembranePublicEdgeOptions;
  readonly hosts: EdgeHost[];
  /** The public zone: certificate validation and the edge's records. */
  readonly zone?: route53.IHostedZone;
  /** The API service, the only target of the edge. */
  readonly api: ecs.FargateService;
  readonly apiContainerName: string;
  /** Health check of the API's target group. */
  readonly healthCheck: elbv2.HealthCheck;
  readonly deregistrationDelay: Duration;
  readonly idleTimeout: Duration;
  readonly deletionProtection: boolean;
  readonly logsBucket: s3.IBucket;
  readonly logs: { readonly retention: logs.RetentionDays; readonly removalPolicy: RemovalPolicy; readonly encryptionKey?: kms.IKey };
}

/**
 * The public edge of a private deployment: an internet-facing load balancer on its own host names that forwards only
 * the listed webhook and OAuth callback paths to the API (a target group of its own on the API's tasks) and answers
 * 404 to everything else. HTTPS only (webhook and callback URLs are `https://`), a web ACL with a rate limit per IP,
 * access logs under `edge/`. Tagged `membrane:exposure=public-edge`, which MembraneChecks reads.
 */
export class MembranePublicEdge extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly webhooksUrl: string;
  public readonly oauthCallbackUrl: string;

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    const { options, hosts, zone } = props;
    this.webhooksUrl = `https://${options.webhooksDomainName}`;
    this.oauthCallbackUrl = `https://${options.oauthCallbackDomainName}`;
    if (!options.certificate && !zone) {
      throw propError(scope, 'exposure.certificate', 'the edge has no certificate and no zone to validate one in',
        'Give exposure certificate (covering both edge host names) or domain.zone.');
    }
    const names = hosts.map(h => h.host);
    const certificate = options.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: names[0],
      subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined,
      validation: acm.CertificateValidation.fromDns(zone),
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: props.idleTimeout,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection,
    });
    // On the resource itself (not through an aspect), so the tag is there for MembraneChecks even before synthesis.
    (this.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).tags.setTag(EDGE_TAG.key, EDGE_TAG.value);
    this.loadBalancer.logAccessLogs(props.logsBucket, 'edge');
    acknowledge(this.loadBalancer, {
      id: 'AwsSolutions-EC23',
      reason: 'The public edge receives webhooks and OAuth callbacks from any provider and any user\'s browser ("Self-hosting": public proxies for '
        + 'a private API); it listens on 443 only and forwards only the listed paths.',
    });
    if (!props.deletionProtection) acknowledgeNoDeletionProtection(this.loadBalancer);

    this.listener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: true,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not forwarded by the Membrane edge' }),
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'ApiTargetGroup', {
      vpc: props.vpc,
      port: MEMBRANE_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [props.api.loadBalancerTarget({ containerName: props.apiContainerName, containerPort: MEMBRANE_PORT })],
      deregistrationDelay: props.deregistrationDelay,
      healthCheck: props.healthCheck,
    });
    let priority = 1;
    for (const { host, paths } of hosts) {
      for (let i = 0; i < paths.length; i += PATHS_PER_RULE) {
        this.listener.addAction(`Forward${priority}`, {
          priority,
          conditions: [elbv2.ListenerCondition.hostHeaders([host]), elbv2.ListenerCondition.pathPatterns(paths.slice(i, i + PATHS_PER_RULE))],
          action: elbv2.ListenerAction.forward([targetGroup]),
        });
        priority++;
      }
    }

    const firewall = createFirewall(this, options.firewall ?? {}, props.logs, {
      subject: 'Membrane public edge, webhooks and OAuth callbacks', prop: 'exposure.firewall',
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: firewall.webAcl.attrArn });

    if (zone) {
      const target = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer));
      names.forEach((host, index) => new route53.ARecord(this, `AliasRecord${index}`, { zone, recordName: host, target }));
    }
  }
}
