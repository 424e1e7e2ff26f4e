export * from './props';
export * from './network';
