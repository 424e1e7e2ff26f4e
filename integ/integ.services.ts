/**
 * Integration test: every Membrane service on Fargate behind the HTTPS load balancer, with path routing
 * (BASE_PATH) and username/password auth, on top of the data layer, autoscaled on Membrane's metrics; the API, UI and
 * Console deploy blue/green, every service rolls back on its deployment alarms.
 *
 * Verified offline against the committed snapshot by `npx projen integ`. A real deployment needs the
 * secrets named below, a hosted zone (context `zoneName`, `hostedZoneId`) and Membrane registry access; then
 * the assertions at the end run against it (CONTRIBUTING.md: "Running the integration tests against an account").
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  MembraneAuth, MembraneCache, MembraneEcsServices, MembraneInstantWorkerStrategy, MembraneNetwork, MembraneQueuedWorkerStrategy,
  MembraneScaling, MembraneStorage, MembraneVersion,
} from '../lib';

const app = new App();
const stack = new Stack(app, 'MembraneServicesInteg', { env: { region: 'eu-central-1' } });
const zoneName = app.node.tryGetContext('zoneName') ?? 'integ.example.com';
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  zoneName,
  hostedZoneId: app.node.tryGetContext('hostedZoneId') ?? 'Z0000000000INTEG',
});
const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name.replace(/[^A-Za-z0-9]/g, ''), name);

// A test deployment must clean up after itself.
const storage = new MembraneStorage(stack, 'Storage', { removalPolicy: RemovalPolicy.DESTROY });
const network = new MembraneNetwork(stack, 'Network', { natGateways: 1, flowLogsBucket: storage.accessLogsBucket });
const cache = new MembraneCache(stack, 'Cache', {
  vpc: network.vpc,
  removalPolicy: RemovalPolicy.DESTROY,
  secretRemovalPolicy: RemovalPolicy.DESTROY,
});

const services = new MembraneEcsServices(stack, 'Services', {
  version: MembraneVersion.of('2026-01-14'),
  registryCredentials: secret('membrane/registry'),
  storage,
  cache,
  mongoUri: secret('membrane/mongo-uri'),
  selfHostingToken: secret('membrane/self-hosting-token'),
  auth: MembraneAuth.usernamePassword({
    host: 'email-smtp.eu-central-1.amazonaws.com',
    user: 'membrane',
    password: secret('membrane/smtp-password'),
    emailFrom: `noreply@${zoneName}`,
  }),
  domain: { zone: zone, apiDomainName: `membrane.${zoneName}`, uiBasePath: '/ui-app', consoleBasePath: '/console-app' },
  services: { instantTasksWorker: { spot: true }, queuedTasksWorker: { spot: true } },
  loadBalancerLogsBucket: storage.accessLogsBucket,
  loadBalancerDeletionProtection: false,
  secretRemovalPolicy: RemovalPolicy.DESTROY,
});

// The "Autoscaling Configuration" strategies (the defaults follow "Self-hosting" and are covered by the example app).
new MembraneScaling(stack, 'Scaling', {
  services,
  caches: [cache],
  instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH },
  queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED },
});

// The assertions read the stack's resources, so they run in its region.
const integ = new IntegTest(app, 'MembraneServices', {
  testCases: [stack],
  assertionStack: new Stack(app, 'MembraneServicesAssertions', { env: { region: 'eu-central-1' } }),
});
const patiently = { totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) };

// The API answers on its public URL (through DNS, the certificate and the load balancer).
integ.assertions.httpApiCall(services.apiUrl).expect(ExpectedResult.objectLike({ status: 200 })).waitForAssertions(patiently);

// Each of the seven services reaches its desired running count (2 each here).
for (const svc of services.allServices()) {
  integ.assertions.awsApiCall('ECS', 'describeServices', { cluster: services.cluster.clusterName, services: [svc.service.serviceName] })
    .assertAtPath('services.0.runningCount', ExpectedResult.exact(2))
    .waitForAssertions(patiently);
}

// The API, UI and Console deploy blue/green: a 10-minute bake time, the alternate target group, the weighted production
// rule and ECS's infrastructure role on the load balancer entry, and rollback on their 5xx and no-healthy-target alarms.
for (const svc of [services.api, services.ui, services.console]) {
  integ.assertions.awsApiCall('ECS', 'describeServices', { cluster: services.cluster.clusterName, services: [svc.service.serviceName] })
    .expect(ExpectedResult.objectLike({
      services: [Match.objectLike({
        deploymentConfiguration: Match.objectLike({
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 10,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms: Match.objectLike({ enable: true, rollback: true }),
        }),
        loadBalancers: [Match.objectLike({
          targetGroupArn: svc.targetGroup!.targetGroupArn,
          advancedConfiguration: Match.objectLike({ alternateTargetGroupArn: svc.alternateTargetGroup!.targetGroupArn }),
        })],
      })],
    }));
}

// The workers roll, and roll back when fewer of their tasks run than desired (their deployment alarm, by its fixed name).
integ.assertions.awsApiCall('ECS', 'describeServices', {
  cluster: services.cluster.clusterName, services: [services.queuedTasksWorker.service.serviceName],
}).expect(ExpectedResult.objectLike({
  services: [Match.objectLike({
    deploymentConfiguration: Match.objectLike({
      strategy: 'ROLLING',
      alarms: { alarmNames: [Match.stringLikeRegexp('QueuedTasksWorkerTasksNotRunning$')], enable: true, rollback: true },
    }),
  })],
}));

// The custom code runner has no load balancer, so no public route.
integ.assertions.awsApiCall('ECS', 'describeServices', {
  cluster: services.cluster.clusterName, services: [services.customCodeRunner.service.serviceName],
}).assertAtPath('services.0.loadBalancers', ExpectedResult.exact([]));

// A file put in the static bucket is served by CloudFront over HTTPS; then its version is deleted again, so the
// versioned bucket can be deleted with the stack.
const put = integ.assertions.awsApiCall('S3', 'putObject', {
  Bucket: storage.staticBucket.bucketName, Key: 'integ/health.txt', Body: 'ok', ContentType: 'text/plain',
});
put.next(integ.assertions.httpApiCall(`${storage.staticUrl}/integ/health.txt`)
  .expect(ExpectedResult.objectLike({ status: 200, body: 'ok' })).waitForAssertions(patiently))
  .next(integ.assertions.awsApiCall('S3', 'deleteObject', {
    Bucket: storage.staticBucket.bucketName, Key: 'integ/health.txt', VersionId: put.getAttString('VersionId'),
  }));
