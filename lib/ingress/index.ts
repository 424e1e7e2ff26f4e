export * from './domain';
export * from './exposure';
export * from './firewall';
