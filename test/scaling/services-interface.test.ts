import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { IMembraneEcsServices, IMembraneService, MembraneEcsServices, MembraneScaling } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// MembraneScaling takes the IMembraneEcsServices interface, not only the MembraneEcsServices class.

/** An implementation of the interface that is not a MembraneEcsServices: it hands on the members of one. */
class ServicesView extends Construct implements IMembraneEcsServices {
  public readonly cluster: ecs.Cluster;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly api: IMembraneService;
  public readonly instantTasksWorker: IMembraneService;
  public readonly queuedTasksWorker: IMembraneService;
  public readonly orchestrator: IMembraneService;
  public readonly ui: IMembraneService;
  public readonly console: IMembraneService;
  public readonly customCodeRunner: IMembraneService;

  constructor(scope: Construct, id: string, services: MembraneEcsServices) {
    super(scope, id);
    this.cluster = services.cluster;
    this.loadBalancer = services.loadBalancer;
    this.api = services.api;
    this.instantTasksWorker = services.instantTasksWorker;
    this.queuedTasksWorker = services.queuedTasksWorker;
    this.orchestrator = services.orchestrator;
    this.ui = services.ui;
    this.console = services.console;
    this.customCodeRunner = services.customCodeRunner;
  }
}

describeCdkTest('MembraneScaling on IMembraneEcsServices', () => {
  test('MembraneEcsServices is an IMembraneEcsServices', () => {
    const { services } = buildServices();
    const asInterface: IMembraneEcsServices = services;
    expect(asInterface.cluster).toBe(services.cluster);
    expect([asInterface.api, asInterface.ui, asInterface.console]).toEqual([services.api, services.ui, services.console]);
  });

  test('scaling another implementation of the interface synthesizes what scaling the services themselves does', () => {
    const direct = buildServices();
    new MembraneScaling(direct.stack, 'Scaling', { services: direct.services, caches: [direct.cache] });
    const viewed = buildServices();
    new MembraneScaling(viewed.stack, 'Scaling', { services: new ServicesView(viewed.stack, 'View', viewed.services), caches: [viewed.cache] });
    const template = templateOf(direct.stack).toJSON();
    expect(Object.keys(templateOf(direct.stack).findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).length).toBeGreaterThan(0);
    expect(templateOf(viewed.stack).toJSON()).toEqual(template);
  });

  test('a second MembraneScaling is refused, whichever implementation of the interface each one gets', () => {
    const { stack, services } = buildServices();
    new MembraneScaling(stack, 'Scaling', { services: new ServicesView(stack, 'View', services) });
    expect(() => new MembraneScaling(stack, 'Again', { services })).toThrow(/invalid 'services': .* already has a MembraneScaling/);
  });
});
