export * from './props';
export * from './mongo';
