import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  MembraneEcsServices, MembraneFrontendStrategy, MembraneInstantWorkerStrategy, MembraneQueuedWorkerStrategy, MembraneScaling,
  MembraneScalingProps, IMembraneService,
} from '../../lib';
import { collectorConfig } from '../../lib/scaling/private/collector';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { acknowledgements, expectNoNagFindings } from '../nag';

function build(props: Partial<MembraneScalingProps> = {}) {
  const b = buildServices();
  const scaling = new MembraneScaling(b.stack, 'Scaling', { services: b.services, caches: [b.cache], ...props });
  return { ...b, scaling, template: templateOf(b.stack) };
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

/** The value of the policy's metric-math expression for samples by metric name (what target tracking compares with the target). */
function metricValue(policy: Policy, samples: Record<string, number>): number {
  const values: Record<string, number> = {};
  for (const m of policy.metrics.filter(x => x.MetricStat)) values[m.Id] = samples[m.MetricStat!.Metric.MetricName];
  const expression = policy.metrics.find(m => m.ReturnData !== false)!.Expression!;
  return Function(...Object.keys(values), `return ${expression};`)(...Object.values(values)) as number;
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

  // In steady state every desired task runs: the documented formula, unchanged.
  const steady = (n: number) => ({ RunningTaskCount: n, DesiredTaskCount: n });

  test('instant tasks worker: avg(instant_tasks_worker_utilization_rate) against 0.75, 2 to 20', () => {
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.75, scaleOutCooldown: 60, scaleInCooldown: 300 });
    expect(dims(p, 'instant_tasks_worker_utilization_rate').Stat).toBe('Average');
    // 4 workers busy 90 % of the time: 4 * 0.9 / 0.75 = 4.8, so 5 workers.
    expect(desiredTasks(p, { instant_tasks_worker_utilization_rate: 0.9, ...steady(4) }, 4)).toBe(5);
  });

  test('target tracking reads its metric per desired task: tasks still starting count as capacity', () => {
    // A burst raised the count from 2 to 10; the 2 running workers are saturated. Per running task the metric says
    // 1 (target tracking would ask for 10 x 1 / 0.75 = 14); per desired task 0.2, below the target: no scale-out.
    for (const [svc, metric, target] of [[services.instantTasksWorker, 'instant_tasks_worker_utilization_rate', 0.75],
      [services.queuedTasksWorker, 'queued_tasks_worker_utilization_rate', 0.85]] as const) {
      const p = policyOf(stack, template, svc);
      expect(dims(p, 'RunningTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
      expect(dims(p, 'DesiredTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
      expect(metricValue(p, { [metric]: 1, RunningTaskCount: 2, DesiredTaskCount: 10 })).toBeCloseTo(0.2);
      expect(metricValue(p, { [metric]: 1, RunningTaskCount: 2, DesiredTaskCount: 10 })).toBeLessThan(target);
    }
  });

  test('queued tasks worker: avg(queued_tasks_worker_utilization_rate) against 0.85, 2 to 50', () => {
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 0.85 });
    expect(dims(p, 'queued_tasks_worker_utilization_rate').Stat).toBe('Average');
    expect(desiredTasks(p, { queued_tasks_worker_utilization_rate: 1, ...steady(10) }, 10)).toBe(12);
  });

  test('custom code runner: (sum(total) - sum(remaining)) / sum(total) against 0.45, 2 to 20', () => {
    const p = policyOf(stack, template, services.customCodeRunner);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.45 });
    expect(dims(p, 'custom_code_runner_total_job_spaces').Stat).toBe('Sum');
    expect(dims(p, 'custom_code_runner_remaining_job_spaces').Stat).toBe('Sum');
    // 2 runners with 10 spaces each, 9 used: 2 * 0.45 / 0.45 = 2 (at target).
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 11, ...steady(2) }, 2)).toBe(2);
    // 18 of 20 used: 2 * 0.9 / 0.45 = 4.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 2, ...steady(2) }, 2)).toBe(4);
    // Saturated large fleet is capped at 20.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 150, custom_code_runner_remaining_job_spaces: 0, ...steady(15) }, 15)).toBe(20);
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
  test('instant worker by queue depth: (active + waiting) per desired task against 5; 12 jobs need 3 workers', () => {
    const { stack, template, services } = build({ instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH } });
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 5 });
    // Global gauges reported by every API task: read with Maximum, never Sum.
    expect(dims(p, 'instant_tasks_jobs_active').Stat).toBe('Maximum');
    expect(dims(p, 'instant_tasks_jobs_waiting').Stat).toBe('Maximum');
    expect(dims(p, 'DesiredTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, DesiredTaskCount: 2 }, 2)).toBe(3);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 20, instant_tasks_jobs_waiting: 80, DesiredTaskCount: 4 }, 4)).toBe(20);
    // Per desired task the proposal is the need itself, however many tasks still start: 12 jobs need 3, not 3 x 10 / 2.
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, DesiredTaskCount: 10 }, 10)).toBe(3);
  });

  test('without burst scaling the queue-depth strategy divides by the running tasks, as "Autoscaling Configuration" does', () => {
    const { stack, template, services } = build({ instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH }, burstScaling: false });
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, RunningTaskCount: 2 }, 2)).toBe(3);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 0, instant_tasks_jobs_waiting: 0, RunningTaskCount: 6 }, 6)).toBe(2);
  });

  test('queued worker by workers required with a 30 % buffer: 4 required means 6, capped at the maximum', () => {
    const { stack, template, services } = build({ queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED } });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 1 });
    expect(dims(p, 'queued_tasks_workers_required').Stat).toBe('Maximum');
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, DesiredTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 100, DesiredTaskCount: 10 }, 10)).toBe(50);
    expect(desiredTasks(p, { queued_tasks_workers_required: 0, DesiredTaskCount: 5 }, 5)).toBe(2);
  });

  test('buffer ratio is configurable', () => {
    const { stack, template, services } = build({
      queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED, bufferRatio: 0.5 },
    });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, DesiredTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 10, DesiredTaskCount: 2 }, 2)).toBe(15);
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
  ])('%s: a pinned collector scrapes %s every 5 s, keeps only the scaling metrics and stores them at 1-second resolution', (key, path, metrics) => {
    const svc = (services as unknown as Record<string, IMembraneService>)[key];
    const c = collector(svc);
    expect(c.Image).toBe('public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0');
    expect(c.Essential).toBe(false);
    const cfg = config(svc);
    const scrape = cfg.receivers.prometheus.config.scrape_configs[0];
    expect(scrape.metrics_path).toBe(path);
    expect(scrape.static_configs[0].targets).toEqual(['localhost:5000']);
    // Prometheus refuses a timeout longer than the interval: the collector would not start and no metric would reach CloudWatch.
    expect(cfg.receivers.prometheus.config.global).toEqual({ scrape_interval: '5s', scrape_timeout: '5s' });
    expect(scrape.metric_relabel_configs).toEqual([{ source_labels: ['__name__'], regex: `(${metrics.join('|')})`, action: 'keep' }]);
    expect(cfg.exporters.awsemf).toMatchObject({
      namespace: 'Membrane',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [{ dimensions: [['ClusterName', 'Service']], metric_name_selectors: metrics.map(m => `^${m}$`) }],
    });
    expect(cfg.service.pipelines.metrics).toEqual({ receivers: ['prometheus'], processors: ['attributes', 'batch'], exporters: ['awsemf'] });
    // The awsemf exporter of ADOT v0.42.0+ (contrib PR 36057) stores a metric at the resolution this attribute names;
    // batched for 5 s: every second of batching delays the scaling decision.
    expect(cfg.processors).toEqual({
      attributes: { actions: [{ key: 'aws.emf.storage_resolution', value: '1', action: 'insert' }] },
      batch: { timeout: '5s' },
    });
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
    // Five here (with the two stalled-queue deployment alarms), four burst-scaling alarms, three measured scale-in alarms
    // (the 5xx and health alarms belong to the services): none acts on missing data.
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    const count = (pattern: RegExp) => alarms.filter(([id, a]) => pattern.test(id) && a.Properties.TreatMissingData === 'notBreaching').length;
    expect([count(/^Scaling/), count(/BurstScalingUpperAlarm/), count(/MeasuredScaleInLowerAlarm/)]).toEqual([5, 4, 3]);
  });

  test('without a topic the alarms have no actions and say why', () => {
    const silent = Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmActions: Match.absent() } }));
    expect(silent.filter(id => id.startsWith('Scaling'))).toHaveLength(5);
    expect(acknowledgements(stack).filter(a => a.startsWith('NIST.800.53.R5-CloudWatchAlarmAction'))).toHaveLength(silent.length);
  });

  test('with a topic every alarm notifies it on alarm and on recovery', () => {
    const b = buildServices();
    const topic = new sns.Topic(b.stack, 'Alerts', { enforceSSL: true });
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, alarmTopic: topic });
    const topicRef = { Ref: b.stack.getLogicalId(topic.node.defaultChild as ecs.CfnService) };
    const withTopic = templateOf(b.stack);
    withTopic.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] }, 5);
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
  const { stack, template, services } = build();
  const alarmsOf = (t: Template, expression: RegExp) => Object.values(t.findResources('AWS::CloudWatch::Alarm'))
    .filter(a => (a.Properties.Metrics ?? []).some((m: MetricQuery) => m.Expression && m.ReturnData !== false && expression.test(m.Expression)));
  const burstAlarm = (expression: RegExp) => {
    const alarms = alarmsOf(template, expression);
    expect(alarms).toHaveLength(1);
    return alarms[0].Properties;
  };
  const policyOfAlarm = (alarm: { AlarmActions: Array<{ Ref: string }> }) => template.toJSON().Resources[alarm.AlarmActions[0].Ref].Properties;
  type Step = { MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number };
  const stepOf = (steps: Step[], relative: number) => steps.find(s => relative >= (s.MetricIntervalLowerBound ?? -Infinity)
    && (s.MetricIntervalUpperBound === undefined || relative < s.MetricIntervalUpperBound))?.ScalingAdjustment;

  test.each([
    ['instant tasks worker', /^CEIL\(\(active \+ waiting\) \/ 5\) - running$/,
      [['instant_tasks_jobs_active', 'Maximum'], ['instant_tasks_jobs_waiting', 'Maximum'],
        ['instant_tasks_worker_utilization_rate', 'SampleCount']]],
    ['queued tasks worker', /^CEIL\(required \* 1.3\) - workers$/,
      [['queued_tasks_workers_required', 'Maximum'], ['queued_tasks_workers', 'Maximum']]],
    ['custom code runner', /^IF\(remaining <= 0, 20 - running, CEIL\(running \* \(total - remaining\) \/ total \/ 0.45\) - running\)$/,
      [['custom_code_runner_total_job_spaces', 'Sum'], ['custom_code_runner_remaining_job_spaces', 'Sum'],
        ['custom_code_runner_total_job_spaces', 'SampleCount']]],
  ])('%s: one 10-second datapoint of the high-resolution signals with a task missing adds the missing tasks', (_name, expression, inputs) => {
    const alarm = burstAlarm(expression);
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // Without data the alarm must not stay in ALARM, or it would add tasks every minute.
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as Array<MetricQuery & { MetricStat?: { Period: number } }>;
    expect(metrics.filter(m => m.MetricStat).map(m => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Stat])).toEqual(inputs);
    // No Container Insights input: a 10-second alarm gets no data from a one-minute metric (PutMetricAlarm, Period).
    for (const m of metrics.filter(q => q.MetricStat)) {
      expect(m.MetricStat!.Period).toBe(10);
      expect(m.MetricStat!.Metric.Namespace).toBe('Membrane');
    }
    const policy = policyOfAlarm(alarm);
    expect(policy.PolicyType).toBe('StepScaling');
    const config = policy.StepScalingPolicyConfiguration;
    // The cooldown covers a task start and the delay of the metrics that count the new task.
    expect(config).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: 300, MetricAggregationType: 'Maximum' });
    // Bounds are relative to the threshold (1 missing task): 1 adds 1, 8-11 add 11, 48-63 add 63, 128 or more add 256.
    expect([1, 2, 8, 11, 48, 63, 200].map(missing => stepOf(config.StepAdjustments, missing - 1))).toEqual([1, 2, 11, 11, 63, 63, 256]);
    // Scale-out only: no lower alarm, the measured scale-in scales in.
    expect(config.StepAdjustments.every((s: Step) => s.ScalingAdjustment > 0)).toBe(true);
  });

  test.each([
    ['instant tasks worker', /- running$/, { active: 40, waiting: 60, samples: 4 }, 18],
    ['custom code runner', /^IF\(remaining/, { total: 40, remaining: 0, samples: 4 }, 18],
  ])('%s: the running tasks are the samples their collectors sent (2 per task in 10 s at 5 s scrapes)', (_name, expression, values, missing) => {
    const metrics = burstAlarm(expression).Metrics as MetricQuery[];
    const running = metrics.find(m => m.Id === 'running')!;
    expect(running).toMatchObject({ Expression: 'samples * 5 / 10', ReturnData: false });
    const evaluate = (e: string, v: Record<string, number>) => Function(...Object.keys(v), `return ${e};`)(...Object.values(v)) as number;
    const returned = metrics.find(m => m.Expression && m.ReturnData !== false)!.Expression!
      .replace(/CEIL/g, 'Math.ceil').replace(/IF\(([^,]+), ([^,]+), (.+)\)$/, '(($1) ? ($2) : ($3))');
    // 2 running tasks (4 samples): 100 jobs need 20 instant workers, a saturated runner the maximum.
    expect(evaluate(returned, { ...values, running: evaluate(running.Expression!, values) })).toBe(missing);
  });

  test('api: a minute of CPU at 85 % or more takes it to its maximum in one action', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .find(a => JSON.stringify(a.Properties.Metrics ?? a.Properties).includes('"CPUUtilization"'))!.Properties;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 85,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
    const stat = (alarm.Metrics as Array<{ MetricStat?: { Period: number; Stat: string; Metric: { Namespace: string; Dimensions: unknown } } }>)
      .find(m => m.MetricStat)!.MetricStat!;
    expect(stat).toMatchObject({ Period: 60, Stat: 'Average', Metric: { Namespace: 'AWS/ECS' } });
    expect(JSON.stringify(stat.Metric.Dimensions)).toContain(stack.getLogicalId(services.api.service.node.defaultChild as ecs.CfnService));
    const config = policyOfAlarm(alarm).StepScalingPolicyConfiguration;
    expect(config).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: 300 });
    // From any count the step adds the maximum: capped at the maximum, one action reaches it.
    expect(config.StepAdjustments).toEqual([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 10 }]);
  });

  test('four burst policies (the API and the three workers); UI and Console have none', () => {
    const steps = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', { Properties: { PolicyType: 'StepScaling' } }))
      .filter(p => p.Properties.StepScalingPolicyConfiguration.StepAdjustments.every((s: Step) => s.ScalingAdjustment > 0));
    expect(steps).toHaveLength(4);
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
      'CEIL((active + waiting) / 8) - running',
      'CEIL(required * 1.5) - workers',
      'IF(remaining <= 0, 30 - running, CEIL(running * (total - remaining) / total / 0.6) - running)',
    ]));
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { StepScalingPolicyConfiguration: { Cooldown: 180 } });
  });

  test.each([
    [Duration.seconds(10), 10, 'samples * 10 / 10'],
    [Duration.seconds(15), 30, 'samples * 15 / 30'],
    [Duration.seconds(20), 60, 'samples * 20 / 60'],
    [Duration.seconds(60), 60, 'samples * 60 / 60'],
  ])('scraping every %s, the burst alarms read %d-second periods that a whole number of scrapes fills', (scrapeInterval, period, running) => {
    const t = build({ scrapeInterval }).template;
    const alarm = alarmsOf(t, /- running$/)[0].Properties;
    for (const m of alarm.Metrics.filter((q: { MetricStat?: unknown }) => q.MetricStat)) expect(m.MetricStat.Period).toBe(period);
    expect(alarm.Metrics.find((m: MetricQuery) => m.Id === 'running').Expression).toBe(running);
  });

  test.each([[5, '5s'], [15, '10s'], [30, '10s']])('a %i s scrape interval times a scrape out after %s, never later than the next',
    (seconds, timeout) => {
      const global = (interval: Duration) => JSON.parse(collectorConfig({
        scrape: { path: '/prometheus', metrics: ['m'] },
        serviceName: 'api',
        clusterName: 'c',
        namespace: 'Membrane',
        logGroupName: 'g',
        scrapeInterval: interval,
      })).receivers.prometheus.config.global;
      expect(global(Duration.seconds(seconds))).toEqual({ scrape_interval: `${seconds}s`, scrape_timeout: timeout });
    });

  test('a scrape interval given as a token is accepted: one-minute burst periods, the token in the count', () => {
    const b = buildServices();
    const seconds = new CfnParameter(b.stack, 'ScrapeSeconds', { type: 'Number', default: 5 }).valueAsNumber;
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, scrapeInterval: Duration.seconds(seconds) });
    const alarm = alarmsOf(templateOf(b.stack), /- running$/)[0].Properties;
    for (const m of alarm.Metrics.filter((q: { MetricStat?: unknown }) => q.MetricStat)) expect(m.MetricStat.Period).toBe(60);
    expect(JSON.stringify(alarm.Metrics.find((m: MetricQuery) => m.Id === 'running').Expression)).toContain('ScrapeSeconds');
  });

  test('burstScaling: false leaves target tracking alone, scale-in included', () => {
    const t = build({ burstScaling: false }).template;
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' }, 5);
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy',
      { TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: true } }, 0);
  });
});

describeCdkTest('MembraneScaling measured scale-in (with burst scaling)', () => {
  const { stack, template, services } = build();
  type Step = { MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number };

  test.each([
    ['instantTasksWorker', 0.75, 'rate * running / desired'],
    ['queuedTasksWorker', 0.85, 'rate * running / desired'],
    ['customCodeRunner', 0.45, '(total - remaining) / total * running / desired'],
  ] as const)('%s: target tracking scales out only; a step policy scales in on the busiest of 15 low minutes', (key, target, expression) => {
    const svc = services[key];
    const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
    const [targetId] = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(serviceId))!;
    const policies = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter(([, p]) => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId }));
    const tracking = policies.find(([, p]) => p.Properties.PolicyType === 'TargetTrackingScaling')![1].Properties;
    expect(tracking.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: target, DisableScaleIn: true });
    const [scaleInId, scaleIn] = policies.find(([, p]) => p.Properties.StepScalingPolicyConfiguration?.StepAdjustments
      .some((s: Step) => s.ScalingAdjustment < 0))!;
    const config = scaleIn.Properties.StepScalingPolicyConfiguration;
    expect(config).toMatchObject({
      AdjustmentType: 'PercentChangeInCapacity', MinAdjustmentMagnitude: 1, Cooldown: 300, MetricAggregationType: 'Maximum',
    });
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .find(a => JSON.stringify(a.Properties.AlarmActions) === JSON.stringify([{ Ref: scaleInId }]))!.Properties;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'LessThanOrEqualToThreshold', EvaluationPeriods: 15, DatapointsToAlarm: 15, TreatMissingData: 'notBreaching',
    });
    expect(alarm.Threshold).toBeCloseTo(0.75 * target);
    // The same metric as target tracking: the policies agree on what the load is.
    expect(alarm.Metrics.find((m: MetricQuery) => m.ReturnData !== false).Expression).toBe(expression);
    // Each share it removes keeps the busiest minute below the target: m / (1 - share) <= target at the interval's top.
    const steps = (config.StepAdjustments as Step[])
      .map(s => ({ top: alarm.Threshold + (s.MetricIntervalUpperBound ?? 0), share: -s.ScalingAdjustment / 100 }));
    expect(steps.map(s => s.share).sort()).toEqual([0.25, 0.5, 0.75]);
    for (const s of steps) expect(s.top / (1 - s.share)).toBeLessThanOrEqual(target + 1e-9);
    const at = (fraction: number) => (config.StepAdjustments as Step[])
      .find(s => fraction * target - alarm.Threshold >= (s.MetricIntervalLowerBound ?? -Infinity)
      && fraction * target - alarm.Threshold < (s.MetricIntervalUpperBound ?? Infinity))!.ScalingAdjustment;
    expect([0, 0.3, 0.6].map(at)).toEqual([-75, -50, -25]);
  });

  test('the API keeps target tracking\'s own scale-in (CPU and memory must agree)', () => {
    const apiId = stack.getLogicalId(services.api.service.node.defaultChild as ecs.CfnService);
    const [targetId] = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(apiId))!;
    const tracking = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter(p => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId })
        && p.Properties.PolicyType === 'TargetTrackingScaling');
    expect(tracking).toHaveLength(2);
    for (const p of tracking) expect(p.Properties.TargetTrackingScalingPolicyConfiguration.DisableScaleIn).toBeUndefined();
  });

  test('a target given as a token keeps target tracking\'s own scale-in (the intervals are shares of the target)', () => {
    const b = buildServices();
    const target = new CfnParameter(b.stack, 'Target', { type: 'Number', default: 0.5 }).valueAsNumber;
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, customCodeRunner: { target } });
    const t = templateOf(b.stack);
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy',
      { TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: true } }, 2);
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
    ['a scrape interval that does not divide a minute', { scrapeInterval: Duration.seconds(7) },
      /invalid 'scrapeInterval': 7 seconds does not divide a minute/],
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
