import { Construct } from 'constructs';
import { IMembraneEcsServices, MembraneEcsServices, MembraneScaling } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// MembraneScaling takes the IMembraneEcsServices interface, not only the MembraneEcsServices class.

/** The members of the interface, which a view hands on from the services it wraps. */
const MEMBERS = ['cluster', 'loadBalancer', 'api', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator', 'ui', 'console',
  'customCodeRunner'] as const satisfies ReadonlyArray<keyof IMembraneEcsServices>;

/** An implementation of the interface that is not a MembraneEcsServices: a construct that hands on the members of one. */
function servicesView(scope: Construct, id: string, services: MembraneEcsServices): IMembraneEcsServices {
  const members = Object.fromEntries(MEMBERS.map(member => [member, services[member]]));
  return Object.assign(new Construct(scope, id), members) as unknown as IMembraneEcsServices;
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
    new MembraneScaling(viewed.stack, 'Scaling', { services: servicesView(viewed.stack, 'View', viewed.services), caches: [viewed.cache] });
    const template = templateOf(direct.stack).toJSON();
    expect(Object.keys(templateOf(direct.stack).findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).length).toBeGreaterThan(0);
    expect(templateOf(viewed.stack).toJSON()).toEqual(template);
  });

  test('a second MembraneScaling is refused, whichever implementation of the interface each one gets', () => {
    const { stack, services } = buildServices();
    new MembraneScaling(stack, 'Scaling', { services: servicesView(stack, 'View', services) });
    expect(() => new MembraneScaling(stack, 'Again', { services })).toThrow(/invalid 'services': .* already has a MembraneScaling/);
  });
});
