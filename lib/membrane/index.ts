export * from './props';
export * from './membrane';
