export * from './distributions';
export * from './tests';
export * from './paired';
