export * from './domain';
export * from './concerns';
export * from './props';
export * from './membrane';
