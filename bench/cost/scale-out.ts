/** Scale-out cost: the image pulls of the tasks a burst or a deployment starts, at the region's NAT data-processing price. */
import { round } from './estimate';
import { pricesOf } from './prices';
import { CfnProperties, cfnTemplate, minimumTasks, propertiesOf, resourcesOf, scalableTargetOf } from './template';

/**
 * Image sizes pulled through the NAT gateway per task start (compressed, GB). Membrane's images come from
 * Membrane's registry over the internet; the sidecars from public ECR, also through the NAT.
 */
export const IMAGE_GB: ReadonlyArray<{ readonly pattern: RegExp; readonly gb: number; readonly note: string }> = [
  { pattern: /\/core\//, gb: 1, note: 'a Membrane image: about 1 GB' },
  { pattern: /aws-otel-collector/, gb: 0.1, note: 'the ADOT collector: estimated at 0.1 GB' },
  { pattern: /node:.*alpine/, gb: 0.06, note: 'Node.js on Alpine: estimated at 0.06 GB' },
];
const DEFAULT_IMAGE_GB = 0.5;

/** What a scale-out costs beyond the idle bill: every task started pulls its images through the NAT gateway. */
export interface ScaleOutCost {
  /** Image GB a task of each autoscaled service pulls. */
  readonly gbPerTask: Record<string, number>;
  /** USD per task started, by service. */
  readonly perTask: Record<string, number>;
  /** Tasks and USD of one burst of every autoscaled service from its minimum to its maximum. */
  readonly burstTasks: number;
  readonly burst: number;
  /** USD of replacing every task at its minimum once (a deployment). */
  readonly deployment: number;
}

/** A task definition's containers' images, as text (tokens as their JSON). */
const imagesOf = (taskDefinition: CfnProperties['AWS::ECS::TaskDefinition']): string[] =>
  taskDefinition.ContainerDefinitions.map(c => (typeof c.Image === 'string' ? c.Image : JSON.stringify(c.Image)));
const imageGb = (image: string) => IMAGE_GB.find(i => i.pattern.test(image))?.gb ?? DEFAULT_IMAGE_GB;

/** Image pulls through the NAT gateway when the autoscaled services scale out, and for a deployment. */
export function scaleOutOf(json: unknown, region: string): ScaleOutCost {
  const template = cfnTemplate(json);
  const prices = pricesOf(region);
  const gbPerTask: Record<string, number> = {};
  const perTask: Record<string, number> = {};
  let burstTasks = 0;
  let burst = 0;
  let deployment = 0;
  for (const [serviceId, service] of resourcesOf(template, 'AWS::ECS::Service')) {
    const gb = imagesOf(propertiesOf(template, service.TaskDefinition.Ref, 'AWS::ECS::TaskDefinition')).reduce((n, image) => n + imageGb(image), 0);
    const target = scalableTargetOf(template, serviceId);
    deployment += minimumTasks(template, serviceId, service) * gb * prices.natGatewayGb.usd;
    if (!target) continue;
    const name = serviceId.replace(/^Membrane(Services)?/, '').replace(/Service[0-9A-F]{8}$/, '');
    gbPerTask[name] = round(gb);
    perTask[name] = round(gb * prices.natGatewayGb.usd);
    const tasks = target.MaxCapacity - target.MinCapacity;
    burstTasks += tasks;
    burst += tasks * gb * prices.natGatewayGb.usd;
  }
  return { gbPerTask, perTask, burstTasks, burst: round(burst), deployment: round(deployment) };
}
