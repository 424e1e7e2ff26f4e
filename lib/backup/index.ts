export * from './props';
export * from './backup';
export * from './bucket-backup';
