import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MembraneAuth, MembraneCache, MembraneEcsServices, MembraneNetwork, MembraneScaling, MembraneStorage, MembraneVersion } from '../lib';

/**
 * What the example needs from the account: a public hosted zone and four secrets created beforehand.
 */
export interface MembraneExampleStackProps extends StackProps {
  /** Public hosted zone; api., ui., console. and static. records are created in it. */
  readonly zoneName: string;
  readonly hostedZoneId: string;
  /** Membrane release (immutable tag). */
  readonly version: string;
  /** Auth0 tenant domain and client ID (the client secret is in Secrets Manager). */
  readonly auth0Domain: string;
  readonly auth0ClientId: string;
}

/**
 * Example production deployment of Membrane: VPC, S3 + CloudFront storage, Multi-AZ Redis, every
 * Membrane service on Fargate behind HTTPS, and autoscaling on Membrane's own metrics.
 *
 * Expected Secrets Manager secrets (create them before deploying):
 * - `membrane/registry`: `{"username": "robot$<company>", "password": "..."}`
 * - `membrane/mongo-uri`: the MongoDB connection string
 * - `membrane/self-hosting-token`: the self-hosting token from the Membrane console
 * - `membrane/auth0-client-secret`: the Auth0 application's client secret
 */
export class MembraneExampleStack extends Stack {
  public readonly storage: MembraneStorage;
  public readonly cache: MembraneCache;
  public readonly services: MembraneEcsServices;
  public readonly scaling: MembraneScaling;

  constructor(scope: Construct, id: string, props: MembraneExampleStackProps) {
    super(scope, id, props);
    const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(this, name.replace(/[^A-Za-z0-9]/g, ''), name);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { zoneName: props.zoneName, hostedZoneId: props.hostedZoneId });

    this.storage = new MembraneStorage(this, 'Storage');
    const network = new MembraneNetwork(this, 'Network', { flowLogsBucket: this.storage.accessLogsBucket });
    this.cache = new MembraneCache(this, 'Cache', { vpc: network.vpc });

    this.services = new MembraneEcsServices(this, 'Services', {
      version: MembraneVersion.of(props.version),
      registryCredentials: secret('membrane/registry'),
      storage: this.storage,
      cache: this.cache,
      mongoUri: ecs.Secret.fromSecretsManager(secret('membrane/mongo-uri')),
      selfHostingToken: ecs.Secret.fromSecretsManager(secret('membrane/self-hosting-token')),
      auth: MembraneAuth.auth0({
        domain: props.auth0Domain,
        clientId: props.auth0ClientId,
        clientSecret: ecs.Secret.fromSecretsManager(secret('membrane/auth0-client-secret')),
      }),
      domain: {
        hostedZone: zone,
        apiDomainName: `api.${props.zoneName}`,
        uiDomainName: `ui.${props.zoneName}`,
        consoleDomainName: `console.${props.zoneName}`,
      },
      loadBalancerLogsBucket: this.storage.accessLogsBucket,
    });

    this.scaling = new MembraneScaling(this, 'Scaling', { services: this.services, caches: [this.cache] });

    new CfnOutput(this, 'ApiUrl', { value: this.services.apiUrl });
    new CfnOutput(this, 'UiUrl', { value: this.services.uiUrl });
    new CfnOutput(this, 'ConsoleUrl', { value: this.services.consoleUrl });
    new CfnOutput(this, 'StaticUrl', { value: this.storage.staticBaseUri });
  }
}
