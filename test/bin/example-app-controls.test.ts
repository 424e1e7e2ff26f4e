import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { exampleApp } from '../example-app';

/**
 * Control Tower proactive controls (cfn-guard rules bundled with @cdklabs/cdk-validator-cfnguard) that the
 * example templates do not meet, and why. A failure missing here fails the test, and so does an explanation
 * that no longer matches a failure.
 */
const EXPLAINED: Record<string, string> = {
  cloudwatch_alarm_action_check: 'Development only: the 5xx and no-healthy-target alarms have no topic to notify; the production example '
    + 'sends every alarm to an encrypted SNS topic (alarmTopic).',
  cloudfront_origin_failover_enabled_check: 'The static distribution has one S3 origin; a failover origin would need a replicated second bucket in '
    + 'another region, while Membrane is single-region ("Frequently Asked Questions").',
  cloudfront_custom_ssl_certificate_check: 'Development only: static files are served from the *.cloudfront.net name, without a custom certificate.',
  cloudfront_sni_enabled_check: 'Development only: the certificate comes from the us-east-1 companion stack through CDK\'s cross-region reader (a '
    + 'GetAtt of Custom::CrossRegionExportReader), which the control cannot follow; the viewer certificate is sni-only with TLSv1.2_2021.',
  cloudwatch_log_group_encrypted_check: 'Development only: log groups use CloudWatch Logs encryption; production passes a customer-managed key.',
  cloudwatch_log_group_retention_period_check: 'Container logs are kept one month and metric records one week by default (logRetention / '
    + 'metricsLogRetention); the control asks for a year, a cost the platform team chooses.',
  ecs_containers_readonly_access_check: "Membrane's images write temporary files inside the container (Node.js, WebAssembly custom code); a "
    + 'read-only root file system is not supported by them.',
  ecs_task_definition_memory_hard_limit_check: 'On Fargate the task memory is the hard limit of the task; per-container limits would only split it '
    + 'between the app and the metrics sidecar and risk OOM kills.',
  ecs_task_definition_nonroot_user_check: "The user is set by Membrane's images; overriding it could break their file permissions.",
  // The ElastiCache controls (RBAC instead of an AUTH token; automatic failover) evaluate only Engine 'redis': on the default Valkey
  // caches they do not apply. The AUTH token (TLS required) and the development cache's single node are as before (test/cache.test.ts).
  elbv2_deletion_protection_enabled_check: 'Development only: retainData is false so the environment can be deleted with its stack.',
  kms_create_grant_aws_service_check: "CDK's default key policy gives the account root full access, so IAM policies decide; no principal is granted "
    + 'kms:CreateGrant directly.',
  lambda_inside_vpc_check: "The only Lambda functions are CDK's custom-resource providers: one closes the VPC's default security group (EC2 API "
    + 'only), and in the development example one empties the buckets when the stack is deleted (S3 API only) and two carry the static '
    + 'certificate\'s ARN from us-east-1 (SSM API only).',
  s3_bucket_default_encryption_kms_check: 'Buckets use SSE-S3; the log buckets must (log delivery does not support SSE-KMS), and CloudFront OAC '
    + 'serves the static bucket without key-policy coupling.',
  s3_bucket_logging_enabled_check: 'The access-log bucket itself is not logged: logging a log bucket needs another log bucket, without end.',
  s3_bucket_object_lock_enabled_check: "Object Lock would stop Membrane from deleting and replacing its own objects, and the tmp bucket's expiry.",
  s3_bucket_versioning_enabled_check: 'The tmp bucket holds scratch files that expire after 7 days ("Self-hosting on AWS"); versions would keep '
    + 'expired data.',
  s3_event_notifications_enabled_check: 'Membrane does not consume S3 events; notifications would have no receiver.',
};

/** Rule folders for the AWS services the templates use; rules of other services can only be not applicable. */
const RULE_FOLDERS: Record<string, string> = {
  certificatemanager: 'certificatemanager',
  cloudfront: 'cloudfront',
  cloudwatch: 'cloudwatch',
  logs: 'cloudwatch',
  ec2: 'ec2',
  ecs: 'ecs',
  elasticache: 'elasticache',
  elasticloadbalancingv2: 'elasticloadbalancing',
  iam: 'identityandaccessmanagement',
  kms: 'keymanagementservice',
  lambda: 'lambda',
  s3: 's3',
};

const cfnGuardPackage = join(__dirname, '..', '..', 'node_modules', '@cdklabs', 'cdk-validator-cfnguard');
const cfnGuard = join(cfnGuardPackage, 'bin', 'ubuntu', process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
const ruleRoot = join(cfnGuardPackage, 'rules', 'control-tower', 'cfn-guard');

/** Parses cfn-guard's structured output (one result per template) into rule -> failing logical IDs. */
function guardFailures(output: string): Map<string, Set<string>> {
  const failures = new Map<string, Set<string>>();
  for (const result of JSON.parse(output) as Array<{ not_compliant?: Array<{ Rule?: { name?: string } }> }>) {
    for (const failure of result.not_compliant ?? []) {
      const rule = failure.Rule?.name ?? 'unknown';
      const ids = JSON.stringify(failure).match(/\/Resources\/[^/"]+/g)?.map(p => p.slice('/Resources/'.length)) ?? [];
      failures.set(rule, new Set([...(failures.get(rule) ?? []), ...ids]));
    }
  }
  return failures;
}

describe('example app templates', () => {
  const { app } = exampleApp();
  const assembly = app.synth();
  const templates = ['Membrane', 'MembraneDev', 'MembraneDev-Membrane-StaticCertificate'].map(name => assembly.getStackByName(name).templateFullPath);

  test('pass the offline CloudFormation validator without errors', () => {
    const engine = new RegoEngine();
    try {
      for (const template of templates) {
        const report = engine.validateStandard(new TemplateFile(template));
        const problems = report.diagnostics
          .filter(d => d.severity === 'ERROR' || d.severity === 'WARN')
          // W3005 (redundant DependsOn) sits on CDK's own custom-resource providers (default security group, bucket emptying,
          // cross-region references), and on a blue/green service, which aws-cdk-lib makes wait for its listener rule
          // (DependsOn) besides naming it as the production listener rule: harmless, and removing aws-cdk-lib's DependsOn
          // made synthesis depend on how often the app was synthesized.
          .filter(d => !(d.ruleId === 'W3005'
            && (/Custom(VpcRestrictDefaultSG|S3AutoDeleteObjects|CrossRegionExport(Reader|Writer))CustomResourceProvider/.test(JSON.stringify(d))
              || /already enforced by a 'Ref' at 'Properties.LoadBalancers.\d+.AdvancedConfiguration.ProductionListenerRule'/.test(d.message))))
          .map(d => `${d.severity} ${d.ruleId}: ${d.message}`);
        expect(problems).toEqual([]);
      }
    } finally {
      engine.free();
    }
  });

  test('meet the Control Tower proactive controls, except the explained ones', () => {
    expect(existsSync(cfnGuard)).toBe(true);
    const services = new Set(templates.flatMap(t => Object.values(JSON.parse(readFileSync(t, 'utf-8')).Resources as Record<string, { Type: string }>)
      .map(r => r.Type.split('::')[1]?.toLowerCase())));
    const folders = [...new Set([...services].map(s => RULE_FOLDERS[s]).filter(f => f !== undefined))];
    expect(folders.every(f => readdirSync(ruleRoot).includes(f))).toBe(true);
    const result = spawnSync(cfnGuard, [
      'validate', ...templates.flatMap(t => ['-d', t]), ...folders.flatMap(f => ['-r', join(ruleRoot, f)]),
      '--structured', '--show-summary', 'none', '--output-format', 'json',
    ], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    expect(result.error).toBeUndefined();
    const failures = guardFailures(result.stdout);
    const unexplained = [...failures.entries()].filter(([rule]) => !(rule in EXPLAINED)).map(([rule, ids]) => `${rule}: ${[...ids].join(', ')}`);
    expect(unexplained).toEqual([]);
    const stale = Object.keys(EXPLAINED).filter(rule => !failures.has(rule));
    expect(stale).toEqual([]);
  });
});
