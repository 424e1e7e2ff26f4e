export * from './auth';
export * from './exposure';
export * from './options';
export * from './settings';
export * from './version';
export * from './props';
export * from './ecs-services';
