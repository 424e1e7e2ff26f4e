export * from './auth';
export * from './options';
export * from './settings';
export * from './version';
export * from './deployment-options';
export * from './service';
export * from './props';
export * from './ecs-services';
