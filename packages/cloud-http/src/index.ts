export * from './query-builder';
