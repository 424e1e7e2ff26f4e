export * from './props';
export * from './scaling';
export * from './autoscaling';
