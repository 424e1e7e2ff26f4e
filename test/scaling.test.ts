import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildServices } from './fixtures';
import { describeCdkTest } from './harness';
import { acknowledgements, expectNoNagFindings } from './nag';
import {
  MembraneEcsServices, MembraneFrontendStrategy, MembraneInstantWorkerStrategy, MembraneQueuedWorkerStrategy, MembraneScaling,
  MembraneScalingProps, IMembraneService,
} from '../lib';

function build(props: Partial<MembraneScalingProps> = {}) {
  const b = buildServices();
  const scaling = new MembraneScaling(b.stack, 'Scaling', { services: b.services, caches: [b.cache], ...props });
  return { ...b, scaling, template: Template.fromStack(b.stack) };
}

interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Stat: string; Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> } };
}

interface Policy {
  min: number;
  max: number;
  target: number;
  scaleInCooldown: number;
  scaleOutCooldown: number;
  metrics: MetricQuery[];
  predefined?: string;
}

/** The scalable target and main target-tracking policy of a service, as CloudFormation sees them. */
function policyOf(stack: Stack, template: Template, svc: IMembraneService): Policy {
  const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
  const targets = template.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
  const [targetId, target] = Object.entries(targets).find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(serviceId))!;
  const policy = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
    // The target-tracking policy on the service's documented signal (not the API's memory policy, not the burst policy).
    .find(p => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId })
      && p.Properties.PolicyType === 'TargetTrackingScaling'
      && p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType
        !== 'ECSServiceAverageMemoryUtilization')!;
  const config = policy.Properties.TargetTrackingScalingPolicyConfiguration;
  return {
    min: target.Properties.MinCapacity,
    max: target.Properties.MaxCapacity,
    target: config.TargetValue,
    scaleInCooldown: config.ScaleInCooldown,
    scaleOutCooldown: config.ScaleOutCooldown,
    metrics: config.CustomizedMetricSpecification?.Metrics ?? [],
    predefined: config.PredefinedMetricSpecification?.PredefinedMetricType,
  };
}

/**
 * What Application Auto Scaling's target tracking does with the policy: evaluate the metric-math
 * expression on sample values (by metric name), then desired = ceil(current * value / target), within
 * [min, max].
 */
function desiredTasks(policy: Policy, samples: Record<string, number>, current: number): number {
  const values: Record<string, number> = {};
  for (const m of policy.metrics.filter(x => x.MetricStat)) {
    const name = m.MetricStat!.Metric.MetricName;
    if (!(name in samples)) throw new Error(`no sample for ${name}`);
    values[m.Id] = samples[name];
  }
  const expression = policy.metrics.find(m => m.ReturnData !== false)!.Expression!;
  expect(expression).toMatch(/^[a-z_\s()+\-*/.0-9]+$/);
  const value = Function(...Object.keys(values), `return ${expression};`)(...Object.values(values)) as number;
  const desired = Math.ceil(current * value / policy.target - 1e-9);
  return Math.min(policy.max, Math.max(policy.min, desired));
}

const dims = (policy: Policy, name: string) => policy.metrics.find(m => m.MetricStat?.Metric.MetricName === name)!.MetricStat!;

describeCdkTest('MembraneScaling policies ("Self-hosting", "Autoscaling Configuration")', () => {
  const { stack, template, services } = build();

  test('api: CPU target 50 %, 2 to 10 tasks, scale out after 60 s, in after 300 s', () => {
    const p = policyOf(stack, template, services.api);
    expect(p).toMatchObject({
      min: 2,
      max: 10,
      target: 50,
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
      predefined: 'ECSServiceAverageCPUUtilization',
    });
  });

  test('instant tasks worker: avg(instant_tasks_worker_utilization_rate) against 0.75, 2 to 20', () => {
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.75, scaleOutCooldown: 60, scaleInCooldown: 300 });
    expect(dims(p, 'instant_tasks_worker_utilization_rate').Stat).toBe('Average');
    // 4 workers busy 90 % of the time: 4 * 0.9 / 0.75 = 4.8, so 5 workers.
    expect(desiredTasks(p, { instant_tasks_worker_utilization_rate: 0.9 }, 4)).toBe(5);
    // Idle workers scale in to the minimum.
    expect(desiredTasks(p, { instant_tasks_worker_utilization_rate: 0.1 }, 4)).toBe(2);
  });

  test('queued tasks worker: avg(queued_tasks_worker_utilization_rate) against 0.85, 2 to 50', () => {
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 0.85 });
    expect(dims(p, 'queued_tasks_worker_utilization_rate').Stat).toBe('Average');
    expect(desiredTasks(p, { queued_tasks_worker_utilization_rate: 1 }, 10)).toBe(12);
  });

  test('custom code runner: (sum(total) - sum(remaining)) / sum(total) against 0.45, 2 to 20', () => {
    const p = policyOf(stack, template, services.customCodeRunner);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.45 });
    expect(dims(p, 'custom_code_runner_total_job_spaces').Stat).toBe('Sum');
    expect(dims(p, 'custom_code_runner_remaining_job_spaces').Stat).toBe('Sum');
    // 2 runners with 10 spaces each, 9 used: 2 * 0.45 / 0.45 = 2 (at target).
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 11 }, 2)).toBe(2);
    // 18 of 20 used: 2 * 0.9 / 0.45 = 4.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 2 }, 2)).toBe(4);
    // Saturated large fleet is capped at 20.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 150, custom_code_runner_remaining_job_spaces: 0 }, 15)).toBe(20);
  });

  test('metrics are read in the Membrane namespace with the cluster and service dimensions', () => {
    const p = policyOf(stack, template, services.customCodeRunner);
    const stat = dims(p, 'custom_code_runner_total_job_spaces');
    expect(stat.Metric.Namespace).toBe('Membrane');
    expect(stat.Metric.Dimensions).toEqual([
      { Name: 'ClusterName', Value: { Ref: stack.getLogicalId(services.cluster.node.defaultChild as ecs.CfnCluster) } },
      { Name: 'Service', Value: 'custom-code-runner' },
    ]);
  });

  test('orchestrator, UI and Console are not autoscaled: fixed at 2 tasks', () => {
    for (const svc of [services.orchestrator, services.ui, services.console]) {
      const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
      const resourceIds = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
        .map(t => JSON.stringify(t.Properties.ResourceId));
      expect(resourceIds.filter(r => r.includes(serviceId))).toEqual([]);
      expect(template.toJSON().Resources[serviceId].Properties.DesiredCount).toBe(2);
    }
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 4);
  });

  test('autoscaled services leave DesiredCount to Application Auto Scaling, so deployments do not reset it', () => {
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.customCodeRunner]) {
      const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
      expect(template.toJSON().Resources[serviceId].Properties.DesiredCount).toBeUndefined();
    }
  });
});

describeCdkTest('MembraneScaling alternative strategies ("Autoscaling Configuration")', () => {
  test('instant worker by queue depth: (active + waiting) per running task against 5; 12 jobs need 3 workers', () => {
    const { stack, template, services } = build({ instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH } });
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 5 });
    // Global gauges reported by every API task: read with Maximum, never Sum.
    expect(dims(p, 'instant_tasks_jobs_active').Stat).toBe('Maximum');
    expect(dims(p, 'instant_tasks_jobs_waiting').Stat).toBe('Maximum');
    expect(dims(p, 'RunningTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
    const running = 2;
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, RunningTaskCount: running }, running)).toBe(3);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 20, instant_tasks_jobs_waiting: 80, RunningTaskCount: 4 }, 4)).toBe(20);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 0, instant_tasks_jobs_waiting: 0, RunningTaskCount: 6 }, 6)).toBe(2);
  });

  test('queued worker by workers required with a 30 % buffer: 4 required means 6, capped at the maximum', () => {
    const { stack, template, services } = build({ queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED } });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 1 });
    expect(dims(p, 'queued_tasks_workers_required').Stat).toBe('Maximum');
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, RunningTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 100, RunningTaskCount: 10 }, 10)).toBe(50);
    expect(desiredTasks(p, { queued_tasks_workers_required: 0, RunningTaskCount: 5 }, 5)).toBe(2);
  });

  test('buffer ratio is configurable', () => {
    const { stack, template, services } = build({
      queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED, bufferRatio: 0.5 },
    });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, RunningTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 10, RunningTaskCount: 2 }, 2)).toBe(15);
  });

  test('UI and Console on CPU: 2 to 5 tasks at 50 %', () => {
    const { stack, template, services } = build({
      ui: { strategy: MembraneFrontendStrategy.CPU }, console: { strategy: MembraneFrontendStrategy.CPU },
    });
    for (const svc of [services.ui, services.console]) {
      expect(policyOf(stack, template, svc)).toMatchObject({ min: 2, max: 5, target: 50, predefined: 'ECSServiceAverageCPUUtilization' });
    }
  });

  test('every number is overridable', () => {
    const { stack, template, services } = build({
      api: { minCapacity: 3, maxCapacity: 30, target: 60, scaleOutCooldown: Duration.seconds(30), scaleInCooldown: Duration.seconds(600) },
      customCodeRunner: { minCapacity: 4, maxCapacity: 40, target: 0.5 },
    });
    expect(policyOf(stack, template, services.api)).toMatchObject({ min: 3, max: 30, target: 60, scaleOutCooldown: 30, scaleInCooldown: 600 });
    expect(policyOf(stack, template, services.customCodeRunner)).toMatchObject({ min: 4, max: 40, target: 0.5 });
  });
});

describeCdkTest('MembraneScaling metrics pipeline', () => {
  const { stack, template, services, scaling } = build();

  function collector(svc: IMembraneService) {
    const id = stack.getLogicalId(svc.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition);
    const defs = template.toJSON().Resources[id].Properties.ContainerDefinitions;
    return defs.find((d: { Name: string }) => d.Name === 'metrics-collector');
  }
  function config(svc: IMembraneService) {
    const value = collector(svc).Environment.find((e: { Name: string }) => e.Name === 'AOT_CONFIG_CONTENT').Value;
    // The cluster and log group names are CloudFormation references: render them as placeholders.
    const text = typeof value === 'string' ? value : value['Fn::Join'][1].map((p: unknown) => typeof p === 'string' ? p : '<ref>').join('');
    return JSON.parse(text);
  }

  test.each([
    ['api', '/prometheus', ['instant_tasks_jobs_active', 'instant_tasks_jobs_waiting', 'queued_tasks_workers', 'queued_tasks_workers_required']],
    ['instantTasksWorker', '/prometheus/instant-tasks', ['instant_tasks_worker_utilization_rate']],
    ['queuedTasksWorker', '/prometheus/queued-tasks', ['queued_tasks_worker_utilization_rate', 'queued_tasks_worker_busy']],
    ['customCodeRunner', '/api/v2/prometheus', ['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces']],
  ])('%s: a pinned collector scrapes %s every 15 s and keeps only the scaling metrics', (key, path, metrics) => {
    const svc = (services as unknown as Record<string, IMembraneService>)[key];
    const c = collector(svc);
    expect(c.Image).toBe('public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0');
    expect(c.Essential).toBe(false);
    const cfg = config(svc);
    const scrape = cfg.receivers.prometheus.config.scrape_configs[0];
    expect(scrape.metrics_path).toBe(path);
    expect(scrape.static_configs[0].targets).toEqual(['localhost:5000']);
    expect(cfg.receivers.prometheus.config.global.scrape_interval).toBe('15s');
    expect(scrape.metric_relabel_configs).toEqual([{ source_labels: ['__name__'], regex: `(${metrics.join('|')})`, action: 'keep' }]);
    expect(cfg.exporters.awsemf).toMatchObject({
      namespace: 'Membrane',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [{ dimensions: [['ClusterName', 'Service']], metric_name_selectors: metrics.map(m => `^${m}$`) }],
    });
    expect(cfg.service.pipelines.metrics).toEqual({ receivers: ['prometheus'], processors: ['batch'], exporters: ['awsemf'] });
    // Batched for 10 s, not 60 s: the scaling alarms read one-minute datapoints.
    expect(cfg.processors).toEqual({ batch: { timeout: '10s' } });
  });

  test('no collector on the services that emit nothing to scale on', () => {
    for (const svc of [services.orchestrator, services.ui, services.console]) expect(collector(svc)).toBeUndefined();
  });

  test('the collectors may write only to the metrics log group', () => {
    const groupArn = { 'Fn::GetAtt': [stack.getLogicalId(scaling.metricsLogGroup.node.defaultChild as ecs.CfnService), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(services.customCodeRunner.taskDefinition.taskRole.node.defaultChild as ecs.CfnService) }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: groupArn }] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('metric helpers name the right metric and statistic', () => {
    const resolve = (m: { namespace: string; metricName: string; statistic: string; dimensions?: Record<string, unknown> }) =>
      [m.namespace, m.metricName, m.statistic, stack.resolve(m.dimensions?.Service)];
    expect(resolve(scaling.metricInstantTasksJobsWaiting())).toEqual(['Membrane', 'instant_tasks_jobs_waiting', 'Maximum', 'api']);
    expect(resolve(scaling.metricInstantTasksJobsActive())).toEqual(['Membrane', 'instant_tasks_jobs_active', 'Maximum', 'api']);
    expect(resolve(scaling.metricQueuedTasksWorkersRequired())).toEqual(['Membrane', 'queued_tasks_workers_required', 'Maximum', 'api']);
    expect(resolve(scaling.metricQueuedTasksWorkers())).toEqual(['Membrane', 'queued_tasks_workers', 'Maximum', 'api']);
    expect(resolve(scaling.metricInstantTasksWorkerUtilization())).toEqual(['Membrane', 'instant_tasks_worker_utilization_rate', 'Average',
      'instant-tasks-worker']);
    expect(resolve(scaling.metricQueuedTasksWorkerUtilization())).toEqual(['Membrane', 'queued_tasks_worker_utilization_rate', 'Average',
      'queued-tasks-worker']);
    expect(resolve(scaling.metricCustomCodeRunnerTotalJobSpaces())).toEqual(['Membrane', 'custom_code_runner_total_job_spaces', 'Sum',
      'custom-code-runner']);
    expect(resolve(scaling.metricCustomCodeRunnerRemainingJobSpaces())).toEqual(['Membrane', 'custom_code_runner_remaining_job_spaces', 'Sum',
      'custom-code-runner']);
    expect(scaling.metricCustomCodeRunnerUtilization().expression).toBe('(total - remaining) / total');
  });
});

describeCdkTest('MembraneScaling dashboard and alarms', () => {
  const { stack, template } = build();

  test('one dashboard with queues, utilization, job spaces, tasks, CPU/memory, load balancer and Redis', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const title of ['Instant tasks queue', 'Queued tasks workers', 'Worker utilization', 'Custom code runner job spaces', 'Running tasks',
      'Desired tasks', 'CPU utilization (%)', 'Memory utilization (%)', 'Load balancer 5xx', 'Target response time p95 (s)',
      'Redis Cache: engine CPU and memory (%)', 'Redis Cache: connections']) {
      expect(body).toContain(title);
    }
    for (const metric of ['RunningTaskCount', 'DesiredTaskCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime',
      'EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'CurrConnections']) {
      expect(body).toContain(metric);
    }
  });

  test('alarms: growing instant queue, queued workers at capacity, no spare job spaces', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'instant_tasks_jobs_waiting',
      Statistic: 'Maximum',
      Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'queued_tasks_workers_required', Threshold: 50, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'custom_code_runner_remaining_job_spaces', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'LessThanOrEqualToThreshold',
    });
    // Three here, three burst-scaling alarms; the 5xx and health alarms belong to the services (4 more in this stack).
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { TreatMissingData: 'notBreaching' }, 10);
  });

  test('without a topic the alarms have no actions and say why', () => {
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() }, 7);
    expect(acknowledgements(stack).filter(a => a.startsWith('NIST.800.53.R5-CloudWatchAlarmAction'))).toHaveLength(7);
  });

  test('with a topic every alarm notifies it on alarm and on recovery', () => {
    const b = buildServices();
    const topic = new sns.Topic(b.stack, 'Alerts', { enforceSSL: true });
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, alarmTopic: topic });
    const topicRef = { Ref: b.stack.getLogicalId(topic.node.defaultChild as ecs.CfnService) };
    const withTopic = Template.fromStack(b.stack);
    withTopic.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] }, 3);
    // The topic's policy (here: the TLS deny) replaces the default one: CloudWatch must be allowed to publish.
    withTopic.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'MembraneAlarms',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-central-1:123456789012:alarm:*']] } },
          },
        })]),
      },
    });
  });
});

const MEMORY = 'ECSServiceAverageMemoryUtilization';
const CPU = 'ECSServiceAverageCPUUtilization';

describeCdkTest('MembraneScaling on the API\'s memory ("Self-hosting": watch memory as well as CPU)', () => {
  test('memory target tracking at 70 % next to CPU at 50 %, on the same scalable target', () => {
    const { template } = build();
    const policies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: MEMORY } } },
    });
    expect(Object.values(policies)).toHaveLength(1);
    expect(Object.values(policies)[0].Properties).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, ScaleOutCooldown: 60, ScaleInCooldown: 300 },
    });
    const cpu = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: CPU } } },
    }));
    expect(cpu[0].Properties.ScalingTargetId).toEqual(Object.values(policies)[0].Properties.ScalingTargetId);
  });

  test('memoryTarget is configurable', () => {
    build({ api: { memoryTarget: 80 } }).template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 80, PredefinedMetricSpecification: { PredefinedMetricType: MEMORY } },
    });
  });
});

describeCdkTest('MembraneScaling burst scaling on the backlog', () => {
  const { template } = build();
  const burstAlarm = (expression: RegExp) => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(a => (a.Properties.Metrics ?? []).some((m: MetricQuery) => m.Expression && expression.test(m.Expression)));
    expect(alarms).toHaveLength(1);
    return alarms[0].Properties;
  };
  const policyOfAlarm = (alarm: { AlarmActions: Array<{ Ref: string }> }) => template.toJSON().Resources[alarm.AlarmActions[0].Ref].Properties;

  test.each([
    ['instant tasks worker', /^CEIL\(\(active \+ waiting\) \/ 5\) - desired$/, ['instant_tasks_jobs_active', 'instant_tasks_jobs_waiting', 'DesiredTaskCount']],
    ['queued tasks worker', /^CEIL\(required \* 1.3\) - desired$/, ['queued_tasks_workers_required', 'DesiredTaskCount']],
    ['custom code runner', /^IF\(remaining <= 0, 20 - desired, CEIL\(running \* \(total - remaining\) \/ total \/ 0.45\) - desired\)$/,
      ['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces', 'RunningTaskCount', 'DesiredTaskCount']],
  ])('%s: one one-minute datapoint with a task missing adds the missing tasks', (_name, expression, inputs) => {
    const alarm = burstAlarm(expression);
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // Without data the alarm must not stay in ALARM, or it would add tasks every minute.
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as MetricQuery[];
    expect(metrics.filter(m => m.MetricStat).map(m => m.MetricStat!.Metric.MetricName)).toEqual(inputs);
    for (const m of metrics.filter(q => q.MetricStat)) expect((m.MetricStat as unknown as { Period: number }).Period).toBe(60);
    const policy = policyOfAlarm(alarm);
    expect(policy.PolicyType).toBe('StepScaling');
    const config = policy.StepScalingPolicyConfiguration;
    expect(config).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: 120, MetricAggregationType: 'Maximum' });
    // Bounds are relative to the threshold (1 missing task): 1 adds 1, 8-11 add 11, 48-63 add 63, 128 or more add 256.
    type Step = { MetricIntervalLowerBound: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number };
    const step = (missing: number) => (config.StepAdjustments as Step[]).find(s =>
      missing - 1 >= s.MetricIntervalLowerBound && (s.MetricIntervalUpperBound === undefined || missing - 1 < s.MetricIntervalUpperBound))!
      .ScalingAdjustment;
    expect([1, 2, 8, 11, 48, 63, 200].map(step)).toEqual([1, 2, 11, 11, 63, 63, 256]);
    // Scale-out only: no lower alarm, target tracking scales in.
    expect(config.StepAdjustments.every((s: { ScalingAdjustment: number }) => s.ScalingAdjustment > 0)).toBe(true);
  });

  test('no burst policy on the API, UI or Console; the alarms have no lower twin', () => {
    const steps = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } }));
    expect(steps).toHaveLength(3);
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: 'Lower threshold scaling alarm' } })))
      .toHaveLength(0);
  });

  test('follows the queue-depth target, the buffer ratio, the runner maximum and the cooldown', () => {
    const t = build({
      instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH, target: 8 },
      queuedTasksWorker: { bufferRatio: 0.5 },
      customCodeRunner: { maxCapacity: 30, target: 0.6 },
      burstCooldown: Duration.seconds(180),
    }).template;
    const expressions = Object.values(t.findResources('AWS::CloudWatch::Alarm'))
      .flatMap(a => (a.Properties.Metrics ?? []).map((m: MetricQuery) => m.Expression).filter(Boolean));
    expect(expressions).toEqual(expect.arrayContaining([
      'CEIL((active + waiting) / 8) - desired',
      'CEIL(required * 1.5) - desired',
      'IF(remaining <= 0, 30 - desired, CEIL(running * (total - remaining) / total / 0.6) - desired)',
    ]));
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { StepScalingPolicyConfiguration: { Cooldown: 180 } });
  });

  test('burstScaling: false leaves target tracking alone', () => {
    const t = build({ burstScaling: false }).template;
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' }, 5);
  });
});

describeCdkTest('MembraneScaling compliance', () => {
  test('passes AwsSolutions and NIST 800-53 R5 with only reasoned acknowledgements', () => {
    const { stack } = build();
    expectNoNagFindings(stack);
  });

});

describeCdkTest('MembraneScaling rejects bad input', () => {
  test.each<[string, Partial<MembraneScalingProps>, RegExp]>([
    ['min above max', { api: { minCapacity: 5, maxCapacity: 3 } }, /invalid 'api.minCapacity': 5 is above maxCapacity 3/],
    ['zero minimum', { customCodeRunner: { minCapacity: 0 } }, /invalid 'customCodeRunner.minCapacity': 0 is not a whole number from 1 to 1000/],
    ['fractional maximum', { instantTasksWorker: { maxCapacity: 2.5 } }, /invalid 'instantTasksWorker.maxCapacity'/],
    ['utilization target above 1', { queuedTasksWorker: { target: 1.5 } }, /invalid 'queuedTasksWorker.target': 1.5 is outside \(0, 1\]/],
    ['CPU target above 100', { api: { target: 150 } }, /invalid 'api.target'/],
    ['zero target', { customCodeRunner: { target: 0 } }, /invalid 'customCodeRunner.target'/],
    ['negative buffer', { queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED, bufferRatio: -0.1 } },
      /invalid 'queuedTasksWorker.bufferRatio'/],
    ['bounds on a fixed frontend', { ui: { maxCapacity: 4 } }, /invalid 'ui.strategy': capacity or target is set but the strategy is FIXED/],
    ['scrape interval too long', { scrapeInterval: Duration.minutes(5) }, /invalid 'scrapeInterval'/],
    ['a scrape interval in milliseconds', { scrapeInterval: Duration.millis(15500) },
      /invalid 'scrapeInterval': 15 seconds 500 millis is not a whole number of seconds/],
    ['an AWS/ namespace', { namespace: 'AWS/Membrane' }, /invalid 'namespace': 'AWS\/Membrane' cannot hold custom metrics/],
    ['a namespace with spaces', { namespace: 'Membrane prod' }, /invalid 'namespace'/],
    ['a zero instant queue threshold', { instantQueueAlarmThreshold: 0 }, /invalid 'instantQueueAlarmThreshold'/],
    ['a memory target above 100', { api: { memoryTarget: 120 } }, /invalid 'api.memoryTarget': 120 is outside \(0, 100\]/],
    ['a zero memory target', { api: { memoryTarget: 0 } }, /invalid 'api.memoryTarget'/],
    ['a burst cooldown without burst scaling', { burstScaling: false, burstCooldown: Duration.seconds(60) },
      /invalid 'burstCooldown': it is set but burstScaling is false/],
    ['a burst cooldown in milliseconds', { burstCooldown: Duration.millis(1500) }, /invalid 'burstCooldown'/],
    ['a burst cooldown of two hours', { burstCooldown: Duration.hours(2) }, /invalid 'burstCooldown'/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('services are required', () => {
    const b = buildServices();
    expect(() => new MembraneScaling(b.stack, 'Scaling', { services: undefined as unknown as MembraneEcsServices })).toThrow();
  });
});
