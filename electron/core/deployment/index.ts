export * from './phases';
export * from './rollout';
export * from './controller';
