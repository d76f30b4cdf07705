export type { EntryNote, FetchRequest, ForcedRefreshes, Lease, RefreshFailure, StoreEntry, Token, TokenProvider, TokenStore } from './types';
export { ForceRefreshBudgetError, TokenStoreError, TokenUnavailableError, UnknownTokenKeyError } from './errors';
export type { StaleReason, TokenCacheEvent, TokenCacheEventHandler } from './events';
export { SWEEP_MARKER_KEY, TokenCache, type TokenCacheOptions, type TokenKeyStats } from './token-cache';
export { budgetDay } from './policies';
export { MemoryStore } from './memory-store';
export { FileStore, type FileStoreOptions } from './file-store';
export { CloudDatabaseStore, parseTokenDocument, TOKEN_FIELDS, type CloudDatabaseStoreOptions } from './cloud-database-store';
export type { CloudDatabase, CloudCollection, CloudDocument, CloudQuery, CloudCommand } from './cloud-database';
// RedisStore: `@wxhub/token-cache/redis` (needs the optional peer `ioredis`).
