import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MembraneEcsServices, MembraneEcsServicesProps, MembraneVersion } from '../../lib';
import { buildServices, servicesFixture, servicesProps } from '../fixtures';
import { annotationsOf, describeCdkTest, expectFindings, templateOf } from '../harness';
import { expectNoNagFindings, ownAcknowledgements } from '../rule-packs';

// MembraneEcsServices: the rule packs and the warnings a risky choice raises.

describeCdkTest('MembraneEcsServices compliance', () => {
  const { stack } = buildServices();

  test('passes AwsSolutions and NIST 800-53 R5 with only reasoned acknowledgements', () => {
    expectNoNagFindings(stack);
  });

  test('acknowledgements sit on the load balancer, its redirect listener, task definitions, roles and secrets', () => {
    const acks = ownAcknowledgements(stack).map(a => a.split(': ')[0]).filter(a => a.includes(' at Test/Membrane/'));
    const rules = [...new Set(acks.map(a => a.split(' at ')[0].replace(/\[.*\]$/, '')))].sort();
    expect(rules).toEqual([
      'AwsSolutions-EC23', 'AwsSolutions-ECS2', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-SMG4',
      'NIST.800.53.R5-ALBWAFEnabled', 'NIST.800.53.R5-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
    ]);
    expect(acks).toContain('AwsSolutions-EC23 at Test/Membrane/LoadBalancer');
    expect(acks).toContain('NIST.800.53.R5-ELBv2ACMCertificateRequired at Test/Membrane/LoadBalancer/Redirect80To443');
    expect(acks.filter(a => a.startsWith('AwsSolutions-ECS2'))).toHaveLength(7);
    expect(acks.filter(a => a.startsWith('AwsSolutions-IAM5')).every(a => /TaskDefinition\/TaskRole$/.test(a))).toBe(true);
    expect(acks.filter(a => a.startsWith('AwsSolutions-IAM4'))).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers] at '
        + 'Test/Membrane/LoadBalancerDeploymentRole',
    ]);
  });


  test('no warnings with an immutable tag and default sizes', () => {
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneEcsServices warnings', () => {
  // Each risky choice warns at synth and, where MembraneChecks has a rule for it, is a finding the user sees.
  test.each<[string, Partial<MembraneEcsServicesProps>, string, RegExp, string[]]>([
    ['latest tag', { version: MembraneVersion.LATEST }, '/Test/Membrane', /moving tag/, ['Membrane-ImmutableImageTags']],
    ['below Membrane\'s minimum size', { services: { api: { cpu: 256, memoryLimitMiB: 512 } } }, '/Test/Membrane/Api',
      /below Membrane's minimum of 512 \/ 2048/, []],
    ['single orchestrator', { services: { orchestrator: { desiredCount: 1 } } }, '/Test/Membrane/Orchestrator', /fewer than 2 tasks/,
      ['Membrane-OrchestratorHighAvailability']],
  ])('%s', (_name, props, path, message, findings) => {
    const { stack } = buildServices(props);
    expectFindings(stack, ...findings);
    annotationsOf(stack).hasWarning(path, Match.stringLikeRegexp(message.source));
  });

  test('a start-up budget longer than ECS lets a container health check wait warns, and the load balancer waits it out', () => {
    // 2+4+8+16+32+60+60+60+60+60 s of back-off, 60 s Mongo selection, 60 s Redis connection: 482 s.
    const b = buildServices({ settings: { startupCheckRetries: 10, startupCheckMaxRetryDelay: Duration.seconds(60) } });
    annotationsOf(b.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('may take up to 8 minutes 2 seconds'));
    templateOf(b.stack).hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.anyValue(), HealthCheckGracePeriodSeconds: 482,
    });
  });

  test('a secret imported by a name that ends like an ARN suffix warns', () => {
    const f = servicesFixture();
    new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      mongoUri: secretsmanager.Secret.fromSecretNameV2(f.stack, 'Suffixed', 'membrane/mongo-abcdef'),
    }));
    annotationsOf(f.stack).hasWarning('/Test/Membrane',
      Match.stringLikeRegexp("mongoUri: the secret name 'membrane/mongo-abcdef' ends in"));
  });

  test('warnings are namespaced so they can be acknowledged', () => {
    const { stack } = buildServices({ version: MembraneVersion.LATEST });
    expectFindings(stack, 'Membrane-ImmutableImageTags');
    expect(JSON.stringify(annotationsOf(stack).findWarning('*', Match.anyValue()))).toContain('@org/membrane-cdk:mutableImageTag');
  });
});
