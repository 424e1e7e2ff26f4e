export * from './props';
export * from './backup';
