export * from './phases';
export * from './rollout';
export * from './rollback';
