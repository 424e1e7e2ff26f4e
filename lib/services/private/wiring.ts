import { AspectPriority, Aspects } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { MembraneService } from './membrane-service';
import { ENGINE_SERVICES, ServiceKey, SERVICES } from './services-table';
import { MEMBRANE_PORT } from '../../common/constants';
import { acknowledgeGrantPolicy } from '../../common/resources';
import { MembraneEcsServicesProps } from '../props';

/** The seven services by key. */
type Services = Record<ServiceKey, MembraneService>;

/**
 * Network access and grants: the custom code runner admits only the api-image services; they reach the caches and buckets,
 * and an internal load balancer admits them (they call the API at BASE_URI_INTERNAL).
 */
export function connectServices(services: Services, props: MembraneEcsServicesProps, loadBalancer: elbv2.ApplicationLoadBalancer,
  internal: boolean): void {
  const runner = services.customCodeRunner.service;
  for (const spec of ENGINE_SERVICES) {
    const engine = services[spec.key].service;
    // They call the API at BASE_URI_INTERNAL; an internal load balancer sees their own addresses.
    if (internal) loadBalancer.connections.allowFrom(engine, ec2.Port.tcp(443), `${spec.id} to the API (BASE_URI_INTERNAL)`);
    runner.connections.allowFrom(engine, ec2.Port.tcp(MEMBRANE_PORT), `${spec.id} to custom-code-runner`);
    props.cache.connections.allowDefaultPortFrom(engine);
    props.workerCache?.connections.allowDefaultPortFrom(engine);
    props.storage.grantReadWrite(engine.taskDefinition.taskRole);
  }
  // CDK grants (secrets, logs, buckets) land in one least-privilege policy per role, scoped to this task's resources.
  for (const { taskDefinition } of SERVICES.map(spec => services[spec.key])) {
    acknowledgeGrantPolicy(taskDefinition.taskRole);
    acknowledgeGrantPolicy(taskDefinition.executionRole);
  }
}

/**
 * Deployment order ("Frequently Asked Questions": deploy workers first, then the API): each tier waits for the one below.
 * Every service also waits for the VPC's internet routes (the NAT gateways): its tasks pull their images from
 * Membrane's registry and check the self-hosting token at start, and would fail if they started first.
 */
export function orderDeployments(services: Services, vpc: ec2.IVpc, taskSubnets: ec2.SubnetSelection): void {
  const routes = vpc.selectSubnets(taskSubnets).internetConnectivityEstablished;
  for (const spec of SERVICES) services[spec.key].service.node.addDependency(routes);
  for (const spec of SERVICES) {
    for (const lower of SERVICES.filter(s => s.tier === spec.tier - 1)) {
      services[spec.key].service.node.addDependency(services[lower.key].service);
    }
  }
}

/**
 * Services on Fargate Spot need the cluster's capacity-provider association while they exist: without a
 * dependency, a stack deletion may remove it first and the services' deletion then fails. aws-cdk-lib creates
 * the association late (in an aspect), so the dependency is added when it appears.
 */
export function protectSpotCapacity(services: Services, cluster: ecs.Cluster, props: MembraneEcsServicesProps): void {
  const spot = SERVICES.filter(spec => props.services?.[spec.key]?.spot).map(spec => services[spec.key].service);
  if (spot.length === 0) return;
  Aspects.of(cluster).add({
    visit: node => {
      if (node instanceof ecs.CfnClusterCapacityProviderAssociations) spot.forEach(service => service.node.addDependency(node));
    },
  }, { priority: AspectPriority.READONLY });
}
