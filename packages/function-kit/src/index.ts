export * from './reply';
export * from './handler';
export * from './database-errors';
export * from './sdk-results';
export * from './collections';
