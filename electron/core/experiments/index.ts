export * from './allocation';
export * from './experiment';
export * from './analysis';
