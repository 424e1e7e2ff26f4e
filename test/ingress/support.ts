import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { MembraneEcsServicesProps, MembranePublicEdgeOptions } from '../../lib';
import { buildServices } from '../fixtures';
import { templateOf } from '../harness';

/** A public edge for webhooks and OAuth callbacks, on two hosts of the zone. */
export const EDGE: MembranePublicEdgeOptions = {
  webhooksDomainName: 'webhooks.example.com',
  webhookPaths: ['/webhooks/*'],
  oauthCallbackDomainName: 'oauth.example.com',
  oauthCallbackPaths: ['/oauth-callback', '/oauth-callback/*'],
};

export type Resource = { Properties: Record<string, unknown> };

/** MembraneEcsServices with `overrides`, its template and the logical id of its main load balancer. */
export function build(overrides: Partial<MembraneEcsServicesProps>, stack?: Stack) {
  const built = buildServices(overrides, stack);
  const template = templateOf(built.stack);
  const id = (c: { node: { defaultChild?: unknown } }) => built.stack.getLogicalId(c.node.defaultChild as elbv2.CfnLoadBalancer);
  return { ...built, template, lbId: id(built.services.loadBalancer) };
}

/** Ingress rules of a security group, inline and separate. */
export function ingressOf(template: Template, groupId: string): Array<Record<string, unknown>> {
  const group = template.toJSON().Resources[groupId] as Resource;
  const inline = (group.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [];
  const separate = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress') as Record<string, Resource>)
    .filter(r => JSON.stringify(r.Properties.GroupId).includes(`"${groupId}"`)).map(r => r.Properties);
  return [...inline, ...separate];
}

/** The logical id of the security group of the load balancer `lbId`. */
export function loadBalancerGroup(template: Template, lbId: string): string {
  const lb = template.toJSON().Resources[lbId] as Resource;
  return ((lb.Properties.SecurityGroups as Array<{ 'Fn::GetAtt': string[] }>)[0])['Fn::GetAtt'][0];
}
