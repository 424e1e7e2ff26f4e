export * from './props';
export * from './cache-base';
export * from './cache';
