export * from './common/environment';
export * from './network';
export * from './storage';
export * from './cache';
export * from './services';
export * from './scaling';
export * from './nag';
export * from './membrane';
