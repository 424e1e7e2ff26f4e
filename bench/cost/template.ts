/**
 * The part of a synthesized CloudFormation template the cost estimate reads: its resources by logical ID, and for
 * each resource type the properties it prices (CloudFormation's names).
 */

/** A synthesized template: its resources by logical ID. */
export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

/** A metric of an alarm or a target-tracking policy: only its MetricStat's period is read. */
export interface CfnMetricQuery {
  readonly MetricStat?: { readonly Period?: number };
}

/** A container environment value: text, or an Fn::Join of text and tokens. */
export type CfnText = string | { readonly 'Fn::Join': readonly [string, readonly unknown[]] };

export interface CfnContainerDefinition {
  readonly Name?: string;
  /** The image: a name, or a token (an Fn::Join, a Ref) for an image from an asset or a repository. */
  readonly Image?: unknown;
  readonly Environment?: ReadonlyArray<{ readonly Name: string; readonly Value: CfnText }>;
}

/** No property of the type is read: its resources are only counted. */
type Counted = Readonly<Record<string, unknown>>;

/** The properties the estimate reads, by resource type. */
export interface CfnProperties {
  'AWS::ECS::Service': {
    readonly DesiredCount?: number;
    readonly TaskDefinition: { readonly Ref: string };
    readonly CapacityProviderStrategy?: ReadonlyArray<{ readonly CapacityProvider: string; readonly Base?: number }>;
  };
  'AWS::ECS::TaskDefinition': {
    readonly Cpu: string;
    readonly Memory: string;
    readonly RuntimePlatform?: { readonly CpuArchitecture?: 'X86_64' | 'ARM64' };
    readonly ContainerDefinitions: readonly CfnContainerDefinition[];
  };
  'AWS::ApplicationAutoScaling::ScalableTarget': { readonly MinCapacity: number; readonly MaxCapacity: number; readonly ResourceId: unknown };
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    readonly PolicyType: string;
    readonly TargetTrackingScalingPolicyConfiguration: {
      readonly DisableScaleIn?: boolean;
      readonly CustomizedMetricSpecification?: { readonly Metrics?: readonly CfnMetricQuery[] };
    };
  };
  'AWS::ElastiCache::ReplicationGroup': {
    readonly CacheNodeType: string;
    readonly Engine: string;
    readonly ReplicasPerNodeGroup?: number;
    readonly NumCacheClusters?: number;
    readonly NumNodeGroups?: number;
  };
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    readonly Scheme?: string;
    readonly IpAddressType?: string;
    readonly Subnets?: readonly unknown[];
    readonly SubnetMappings?: readonly unknown[];
  };
  'AWS::EC2::VPCEndpoint': { readonly VpcEndpointType?: string; readonly SubnetIds?: readonly unknown[] };
  'AWS::CloudWatch::Alarm': { readonly Period?: number; readonly Metrics?: readonly CfnMetricQuery[] };
  'AWS::WAFv2::WebACL': { readonly Rules?: readonly unknown[] };
  'AWS::EC2::NatGateway': Counted;
  'AWS::EC2::EIP': Counted;
  'AWS::SecretsManager::Secret': Counted;
  'AWS::KMS::Key': Counted;
  'AWS::CloudWatch::Dashboard': Counted;
}

export type CfnType = keyof CfnProperties;

/** A template as the estimate reads it: anything without a Resources object is not one. */
export function cfnTemplate(json: unknown): CfnTemplate {
  const resources = (json as { readonly Resources?: unknown } | undefined)?.Resources;
  if (typeof resources !== 'object' || resources === null) throw new Error('not a CloudFormation template: it has no Resources');
  return json as CfnTemplate;
}

/** The resources of one type, as [logical ID, properties]. */
export function resourcesOf<T extends CfnType>(template: CfnTemplate, type: T): Array<[string, CfnProperties[T]]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, (r.Properties ?? {}) as CfnProperties[T]]);
}

/** The properties of the resource `id`, which must be of type `type`. */
export function propertiesOf<T extends CfnType>(template: CfnTemplate, id: string, type: T): CfnProperties[T] {
  const resource = template.Resources[id];
  if (resource?.Type !== type) throw new Error(`the template has no ${type} '${id}'`);
  return (resource.Properties ?? {}) as CfnProperties[T];
}

/** The tasks a service runs at minimum scale: its scalable target's MinCapacity, else its DesiredCount, else one. */
export function minimumTasks(template: CfnTemplate, serviceId: string, service: CfnProperties['AWS::ECS::Service']): number {
  return scalableTargetOf(template, serviceId)?.MinCapacity ?? service.DesiredCount ?? 1;
}

/** The scalable target of the ECS service `serviceId`, if it has one. */
export function scalableTargetOf(template: CfnTemplate, serviceId: string): CfnProperties['AWS::ApplicationAutoScaling::ScalableTarget'] | undefined {
  return resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalableTarget')
    .find(([, t]) => JSON.stringify(t.ResourceId).includes(`"${serviceId}"`))?.[1];
}
