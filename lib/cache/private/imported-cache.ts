import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { cacheEnvironment } from './environment';
import { MembraneEnvironmentContract } from '../../common/environment';
import { requireInteger } from '../../common/validation';
import { MembraneCacheBase } from '../cache-base';
import { DEFAULT_CONNECT_TIMEOUT } from '../defaults';
import { MembraneCacheAttributes, MembraneCacheRole } from '../props';

/** A replication group created elsewhere (`MembraneCache.fromAttributes`). */
export class ImportedCache extends MembraneCacheBase {
  public readonly environmentContract: MembraneEnvironmentContract;
  public readonly vpc: ec2.IVpc;
  public readonly replicationGroupId: string;
  public readonly endpointAddress: string;
  public readonly port: number;
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, attrs: MembraneCacheAttributes) {
    super(scope, id);
    requireInteger(this, 'port', attrs.port, 1, 65535);
    this.vpc = attrs.vpc;
    this.replicationGroupId = attrs.replicationGroupId;
    this.endpointAddress = attrs.endpointAddress;
    this.port = attrs.port;
    this.connections = new ec2.Connections({ securityGroups: [attrs.securityGroup], defaultPort: ec2.Port.tcp(attrs.port) });
    this.environmentContract = cacheEnvironment({
      role: attrs.role ?? MembraneCacheRole.MAIN,
      clusterMode: attrs.clusterMode ?? false,
      uri: ecs.Secret.fromSecretsManager(attrs.connectionSecret),
      connectTimeoutMs: (attrs.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT).toMilliseconds(),
    });
  }
}
