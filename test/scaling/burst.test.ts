import { CfnParameter, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { build, MetricQuery } from './support';
import { MembraneInstantWorkerStrategy, MembraneScaling } from '../../lib';
import { collectorConfig } from '../../lib/scaling/private/collector';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// MembraneScaling burst scaling: step policies on the backlog and on the API's CPU.

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
