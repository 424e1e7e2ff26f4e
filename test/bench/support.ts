import { TargetTrackingPolicy } from '../../bench/scaling/template';

/** The API's CPU target tracking as the simulator reads it from the template: 50 %, 60 s out, 300 s in. */
export const cpuPolicy: TargetTrackingPolicy = {
  kind: 'target',
  name: 'cpu',
  target: 50,
  scaleOutCooldown: 60,
  scaleInCooldown: 300,
  disableScaleIn: false,
  predefined: 'ECSServiceAverageCPUUtilization',
  metrics: [],
};
