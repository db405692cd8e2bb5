export * from './metrics';
export * from './alerts';
export * from './adaptive';
export * from './health';
