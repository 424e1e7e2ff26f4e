export * from './props';
export * from './scaling';
