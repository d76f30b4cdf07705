export type { FetchRequest, Lease, StoreEntry, Token, TokenProvider, TokenStore } from './types';
export { TokenStoreError, TokenUnavailableError, UnknownTokenKeyError } from './errors';
export type { TokenCacheEvent, TokenCacheEventHandler } from './events';
export { TokenCache, type TokenCacheOptions } from './token-cache';
export { MemoryStore } from './memory-store';
export { FileStore, type FileStoreOptions } from './file-store';
export { CloudDatabaseStore, parseTokenDocument, TOKEN_FIELDS, type CloudDatabaseStoreOptions } from './cloud-database-store';
export type { CloudDatabase, CloudCollection, CloudDocument, CloudQuery, CloudCommand } from './cloud-database';
export { RedisStore, type RedisStoreClient, type RedisStoreOptions } from './redis-store';
