export * from './props';
export * from './storage';
