import { Annotations, CfnOutput, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Membrane, MembraneAuth, MembraneAutoscaling, MembraneScalingOptions, MembraneVersion } from '../lib';
import { acknowledge } from '../lib/common/nag';

/**
 * What the examples need from the account: a public hosted zone and secrets created beforehand
 * (see the README): `<prefix>/registry`, `<prefix>/mongo-uri`, `<prefix>/self-hosting-token`, and
 * `<prefix>/auth0` (production) or `<prefix>/smtp` (development, JSON with `username` and `password`).
 */
export interface MembraneExampleProps extends StackProps {
  /** Public hosted zone name and ID. */
  readonly zoneName: string;
  readonly hostedZoneId: string;
  /** Membrane release (immutable tag). */
  readonly version: string;
}

/** Production example: Auth0, host names in the zone, static files on static.<zone>, KMS, alarms to SNS. */
export interface MembraneProductionProps extends MembraneExampleProps {
  readonly auth0Domain: string;
  readonly auth0ClientId: string;
  /** ACM certificate for static.<zone> in us-east-1 (CloudFront). */
  readonly staticCertificateArn: string;
  /** Autoscaling options (the scaling benchmark compares variants); the defaults otherwise. */
  readonly scaling?: MembraneScalingOptions;
}

/** What both examples take from the account: the secrets under `<prefix>/`, the hosted zone and the release. */
function accountInputs(scope: Construct, prefix: string, props: MembraneExampleProps) {
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(scope, `${name.replace(/\W/g, '')}Secret`, `${prefix}/${name}`);
  return {
    secret,
    zone: route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', { zoneName: props.zoneName, hostedZoneId: props.hostedZoneId }),
    membraneProps: {
      version: MembraneVersion.of(props.version),
      registryCredentials: secret('registry'),
      mongoUri: secret('mongo-uri'),
      selfHostingToken: secret('self-hosting-token'),
    },
  };
}

/**
 * Membrane in production: 2 or more tasks of every service, autoscaling on Membrane's metrics, Multi-AZ
 * Redis, one NAT gateway per AZ, a customer-managed key for secrets and logs, alarms to an encrypted topic.
 */
export class MembraneProductionStack extends Stack {
  public readonly membrane: Membrane;

  constructor(scope: Construct, id: string, props: MembraneProductionProps) {
    super(scope, id, props);
    const { secret, zone, membraneProps } = accountInputs(this, 'membrane', props);

    const key = new kms.Key(this, 'Key', { description: 'Membrane secrets, logs and alarms', enableKeyRotation: true });
    // CloudWatch alarms publish to the encrypted topic.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const alarmTopic = new sns.Topic(this, 'Alarms', { displayName: 'Membrane alarms', masterKey: key, enforceSSL: true });

    this.membrane = new Membrane(this, 'Membrane', {
      ...membraneProps,
      auth: MembraneAuth.auth0({
        domain: props.auth0Domain,
        clientId: props.auth0ClientId,
        clientSecret: secret('auth0'),
      }),
      domain: {
        zone,
        staticCertificate: acm.Certificate.fromCertificateArn(this, 'StaticCertificate', props.staticCertificateArn),
      },
      encryptionKey: key,
      alarmTopic,
      autoscaling: MembraneAutoscaling.enabled(props.scaling),
      // What a production team would choose to keep the bill down, every service at its documented minimum count:
      // - the services that tolerate losing a task at two minutes' notice run their second and later tasks on Fargate
      //   Spot (about 70 % cheaper), the first on regular Fargate: instant jobs and custom code are retried, and the
      //   orchestrator's standby takes over the lead. Not the queued worker: its jobs run for up to 50 minutes.
      // - the UI and Console at the size "Service Deployment" gives as their minimum (0.25 vCPU, 512 MiB): they render
      //   the operators' pages and the embedded UI, two tasks each behind the load balancer.
      services: {
        instantTasksWorker: { spot: true },
        customCodeRunner: { spot: true },
        orchestrator: { spot: true },
        ui: { cpu: 256, memoryLimitMiB: 512 },
        console: { cpu: 256, memoryLimitMiB: 512 },
      },
    });
    outputs(this, this.membrane);
  }
}

/**
 * A cheaper development Membrane: one task per service on smaller sizes, Spot workers, no autoscaling,
 * single-node Redis, one NAT gateway, path routing on one host, username/password sign-in, and nothing
 * retained on deletion. Each deviation from the production guidance is acknowledged below with its reason.
 */
export class MembraneDevelopmentStack extends Stack {
  public readonly membrane: Membrane;

  constructor(scope: Construct, id: string, props: MembraneExampleProps) {
    super(scope, id, props);
    const { secret, zone, membraneProps } = accountInputs(this, 'membrane-dev', props);

    const single = { desiredCount: 1 };
    this.membrane = new Membrane(this, 'Membrane', {
      ...membraneProps,
      auth: MembraneAuth.usernamePassword({
        host: `email-smtp.${this.region}.amazonaws.com`,
        // Amazon SES SMTP credentials as {"username": "AKIA...", "password": "..."}: the user is the credential's, not a label.
        password: secret('smtp'),
        emailFrom: `noreply@${props.zoneName}`,
      }),
      // Host names of its own: the production example claims api, ui, console and static in the same zone.
      domain: { zone, apiHost: 'membrane-dev', uiBasePath: '/ui-app', consoleBasePath: '/console-app', staticHost: 'membrane-dev-static' },
      natGateways: 1,
      cacheOptions: { multiAz: false, replicasPerShard: 0, cacheNodeType: 'cache.t4g.micro', snapshotRetentionDays: 0 },
      autoscaling: MembraneAutoscaling.none(),
      services: {
        api: { ...single, cpu: 512, memoryLimitMiB: 2048 },
        instantTasksWorker: { ...single, spot: true },
        queuedTasksWorker: { ...single, spot: true },
        // The single orchestrator on Spot: a reclaimed task pauses schedules for the minute a new one takes to start.
        orchestrator: { ...single, spot: true },
        ui: { ...single, cpu: 256, memoryLimitMiB: 512 },
        console: { ...single, cpu: 256, memoryLimitMiB: 512 },
        customCodeRunner: single,
      },
      retainData: false,
      // Throw-away: the generated SECRET and ENCRYPTION_SECRET go with the stack (production keeps them whatever happens).
      secretRemovalPolicy: RemovalPolicy.DESTROY,
    });

    const { services, cache } = this.membrane;
    acknowledge(services.orchestrator.service, {
      id: 'Membrane-OrchestratorHighAvailability',
      reason: 'Development: a short pause of schedules while the single orchestrator task is replaced is acceptable.',
    });
    Annotations.of(services.orchestrator.service.node.scope!).acknowledgeWarning('@org/membrane-cdk:orchestratorSingleInstance',
      'Development: one orchestrator task.');
    Annotations.of(cache).acknowledgeWarning('@org/membrane-cdk:singleAz', 'Development: a single cache node; Redis holds only rebuildable data.');
    Annotations.of(this.membrane).acknowledgeWarning('@org/membrane-cdk:staticDomainNeedsCertificate',
      'Development: static files from the CloudFront domain are fine.');
    acknowledge(services.loadBalancer, {
      id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
      reason: 'Development: retainData is false so that the whole environment can be deleted with the stack.',
    });
    const replicationGroup = cache.node.findChild('ReplicationGroup');
    acknowledge(replicationGroup, {
      id: 'AwsSolutions-AEC4',
      reason: 'Development: one node without Multi-AZ; Redis holds only rebuildable cache data ("Self-hosting on AWS").',
    }, {
      id: 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
      reason: 'Development: no snapshots; Redis holds only rebuildable cache data ("Self-hosting on AWS").',
    });
    outputs(this, this.membrane);
  }
}

function outputs(stack: Stack, membrane: Membrane): void {
  new CfnOutput(stack, 'ApiUrl', { value: membrane.apiUrl });
  new CfnOutput(stack, 'UiUrl', { value: membrane.uiUrl });
  new CfnOutput(stack, 'ConsoleUrl', { value: membrane.consoleUrl });
  if (membrane.staticUrl) new CfnOutput(stack, 'StaticUrl', { value: membrane.staticUrl });
  // For `aws ecs update-service --force-new-deployment` and the runbooks.
  new CfnOutput(stack, 'ClusterName', { value: membrane.services.cluster.clusterName });
  new CfnOutput(stack, 'ServiceNames', {
    value: Fn.join(',', membrane.services.allServices().map(svc => svc.service.serviceName)),
    description: 'The ECS services, in deployment order',
  });
}
