import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HIPAASecurityChecks, PCIDSS321Checks } from 'cdk-nag';
import { exampleApp } from '../example-app';
import { expectNoNagFindings, nagFindings } from '../rule-packs';

describe.each([['production', 'Membrane'], ['development', 'MembraneDev']])('example app (bin/): %s', (kind, stackName) => {
  const stack = (kind === 'production' ? exampleApp().production : exampleApp().development) as Stack;

  test('has no unacknowledged AwsSolutions, NIST 800-53 R5 or Membrane finding', () => {
    expectNoNagFindings(stack);
  });

  test('synthesizes without unacknowledged warnings', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('has the HIPAA Security and PCI DSS 3.2.1 findings fixed or acknowledged too (the packs run with the others)', () => {
    expect(nagFindings(stack, [new HIPAASecurityChecks(), new PCIDSS321Checks()])).toEqual([]);
  });

  test('outputs what operators need: the URLs, the cluster and its services, the NAT addresses', () => {
    const outputs = Object.keys(Template.fromStack(stack).findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UiUrl', 'ConsoleUrl', 'ClusterName', 'ServiceNames']));
    expect(outputs.some(o => /NatPublicIp/.test(o))).toBe(true);
  });

  test('template snapshot', () => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('synthesis is deterministic', () => {
    const again = kind === 'production' ? exampleApp().production : exampleApp().development;
    expect(again.stackName).toBe(stackName);
    expect(Template.fromStack(again).toJSON()).toEqual(Template.fromStack(stack).toJSON());
  });
});

describe('example app (bin/): the development stack\'s us-east-1 certificate stack', () => {
  const development = exampleApp().development as Stack;
  const companion = development.node.root.node.findChild('MembraneDev-Membrane-StaticCertificate') as Stack;

  test('holds only the DNS-validated certificate of the static host and CDK\'s cross-region writer, and passes every rule pack', () => {
    expect(companion.region).toBe('us-east-1');
    const template = Template.fromStack(companion);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'membrane-dev-static.example.com', ValidationMethod: 'DNS',
    });
    expect(Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type).sort()).toEqual([
      'AWS::CertificateManager::Certificate', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'Custom::CrossRegionExportWriter',
    ]);
    expectNoNagFindings(companion);
    expect(nagFindings(companion, [new HIPAASecurityChecks(), new PCIDSS321Checks()])).toEqual([]);
    expect(development.dependencies).toContain(companion);
  });
});

describe('example app configurations', () => {
  const { production, development } = exampleApp();

  test('production runs at least 2 tasks of every service', () => {
    const template = Template.fromStack(production);
    for (const target of Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))) {
      expect(target.Properties.MinCapacity).toBeGreaterThanOrEqual(2);
    }
    for (const service of Object.values(template.findResources('AWS::ECS::Service'))) {
      if (service.Properties.DesiredCount !== undefined) expect(service.Properties.DesiredCount).toBeGreaterThanOrEqual(2);
    }
  });

  test('production: Auth0, static.<zone>, alarms to an encrypted topic, secrets and logs under the customer key', () => {
    const template = Template.fromStack(production);
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ Aliases: ['static.example.com'] }) });
    // 5xx of the API, UI and Console (3), no healthy target of each (3), tasks not running of the other four services (4),
    // the cache's memory (1) and the five scaling alarms (instant queue growing, queued workers at capacity, no spare job
    // spaces, instant tasks not taken, queued tasks without workers).
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('Alarms') }] }, 16);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() }, 4);
  });

  test('production: the execution roles that read the key-encrypted secrets may decrypt them, through Secrets Manager only', () => {
    const template = Template.fromStack(production);
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const statements = key.Properties.KeyPolicy.Statement as Array<{ Action: string | string[]; Principal?: { AWS?: unknown }; Condition?: unknown }>;
    const decrypt = statements.filter(st => [st.Action].flat().includes('kms:Decrypt') && JSON.stringify(st.Principal).includes('ExecutionRole'));
    // The four api-image services read SECRET, ENCRYPTION_SECRET and the Redis URI, all under the customer key.
    const roles = new Set(decrypt.flatMap(st => [st.Principal?.AWS].flat().map(p => JSON.stringify(p))));
    expect([...roles].map(r => /Membrane(Services)?(\w+?)TaskDefinitionExecutionRole/.exec(r)![2]).sort())
      .toEqual(['Api', 'InstantTasksWorker', 'Orchestrator', 'QueuedTasksWorker']);
    for (const st of decrypt) expect(JSON.stringify(st.Condition)).toContain('secretsmanager');
  });

  test('development is cheaper: one task each, no autoscaling, one NAT gateway, single-node Redis, nothing retained', () => {
    const template = Template.fromStack(development);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.resourcePropertiesCountIs('AWS::ECS::Service', { DesiredCount: 1 }, 7);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 1,
      MultiAZEnabled: false,
      CacheNodeType: 'cache.t4g.micro',
    });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Delete');
  });
});
