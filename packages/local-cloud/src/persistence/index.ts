export { sqliteStoreFactory, sqliteStoreFile, type SqliteStoreFactory, type SqliteStoreOptions } from './sqlite-store-factory';
export { SqliteDatabaseStore } from './sqlite-database-store';
export { SqliteCollectionStore } from './sqlite-collection-store';
export type { ConnectionSettings } from './sqlite-file';
export { StoreFileError, StoreLockedError } from './store-errors';
export { parseSeed, formatSeed, SEED_FORMAT, SEED_VERSION, type Seed, type SeedCollection } from './seed-format';
export { importSeed, exportData, type ImportOptions, type ImportedCollection, type ExportOptions } from './seed-transfer';
export { SqliteBlobStore } from './sqlite-blob-store';
