export * from './domain';
export * from './props';
export * from './membrane';
