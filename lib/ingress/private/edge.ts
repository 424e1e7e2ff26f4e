import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_EDGE_FIREWALL } from './defaults';
import { aliasRecords, attachWebAcl, createMembraneLoadBalancer, hostsCertificate, httpsListener, TargetGroupSettings } from './load-balancer';
import { EdgeHost } from './validation';
import { createFirewall, FirewallLogs } from './web-acl';
import { EDGE_TAG } from '../../common/constants';
import { claimHosts } from '../../common/host-claims';
import { acknowledge } from '../../common/nag';
import { propError } from '../../common/validation';
import { MembranePublicEdgeOptions } from '../exposure';

/** ALB limits: up to 3 values in a path-pattern condition (and 5 in a rule, with the host header's one). */
const PATHS_PER_RULE = 3;

/** What the public edge needs from the services construct. */
export interface PublicEdgeProps {
  readonly vpc: ec2.IVpc;
  readonly options: MembranePublicEdgeOptions;
  readonly hosts: EdgeHost[];
  /** The public zone: certificate validation and the edge's records. */
  readonly zone?: route53.IHostedZone;
  /** The API's target group settings: the API is the only target of the edge. */
  readonly apiTargets: TargetGroupSettings;
  readonly idleTimeout: Duration;
  readonly deletionProtection: boolean;
  readonly logsBucket: s3.IBucket;
  readonly logs: FirewallLogs;
  /** The VPC's NAT gateway addresses: Membrane's own calls to the edge (a flow calling a webhook URL) come from them. */
  readonly natAddresses: string[];
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

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    const { options, hosts, zone } = props;
    if (!options.certificate && !zone) {
      throw propError(scope, 'exposure.certificate', 'the edge has no certificate and no zone to validate one in',
        'Give exposure certificate (covering both edge host names) or domain.zone.');
    }
    const names = hosts.map(h => h.host);
    const certificate = options.certificate ?? hostsCertificate(this, names, zone);

    this.loadBalancer = createMembraneLoadBalancer(this, {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: props.idleTimeout,
      deletionProtection: props.deletionProtection,
      logsBucket: props.logsBucket,
      logPrefix: 'edge',
    });
    // On the resource itself (not through an aspect), so the tag is there for MembraneChecks even before synthesis.
    (this.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).tags.setTag(EDGE_TAG.key, EDGE_TAG.value);
    acknowledge(this.loadBalancer, {
      id: 'AwsSolutions-EC23',
      reason: 'The public edge receives webhooks and OAuth callbacks from any provider and any user\'s browser ("Self-hosting": public proxies for '
        + 'a private API); it listens on 443 only and forwards only the listed paths.',
    });

    this.listener = httpsListener(this.loadBalancer, certificate, true, 'Not forwarded by the Membrane edge');
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'ApiTargetGroup', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      ...props.apiTargets,
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

    const { managedOptions, webAclArn } = options.firewall ?? DEFAULT_EDGE_FIREWALL;
    attachWebAcl(this, this.loadBalancer, managedOptions ? createFirewall(this, managedOptions, props.logs, {
      subject: 'Membrane public edge, webhooks and OAuth callbacks', prop: 'exposure.firewall', ownCallers: props.natAddresses.map(ip => `${ip}/32`),
    }).webAcl.attrArn : webAclArn!);
    if (zone) {
      claimHosts(scope, hosts.map(h => [h.prop, h.host] as const));
      aliasRecords(this, this.loadBalancer, zone, names);
    }
  }
}
