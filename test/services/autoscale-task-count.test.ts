import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MembraneScaling } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// IMembraneService.autoScaleTaskCount: the service hands its task count over to autoscaling once.

describeCdkTest('IMembraneService.autoScaleTaskCount', () => {
  test('hands the count over once: DesiredCount leaves the template; a second MembraneScaling is refused', () => {
    const { stack, services } = buildServices();
    const scaling = services.ui.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 3 });
    expect(stack.resolve(scaling.scalableTargetId).Ref).toMatch(/^MembraneUiServiceTaskCountTarget/);
    const id = stack.getLogicalId(services.ui.service.node.defaultChild as ecs.CfnService);
    expect(templateOf(stack).toJSON().Resources[id].Properties.DesiredCount).toBeUndefined();
    expect(() => services.ui.autoScaleTaskCount({ maxCapacity: 3 })).toThrow(/already autoscaled/);

    new MembraneScaling(stack, 'Scaling', { services });
    expect(() => new MembraneScaling(stack, 'ScalingAgain',
      { services })).toThrow(/invalid 'services': Test\/Membrane already has a MembraneScaling/);
  });
});
