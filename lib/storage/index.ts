export * from './props';
export * from './storage';
export * from './interfaces';
