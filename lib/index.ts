export * from './common/environment';
export * from './storage';
export * from './cache';
