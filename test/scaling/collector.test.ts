import * as ecs from 'aws-cdk-lib/aws-ecs';
import { build } from './support';
import { IMembraneService } from '../../lib';
import { describeCdkTest } from '../harness';

// MembraneScaling metrics pipeline: the collectors that publish Membrane's metrics, and the metric helpers.

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
