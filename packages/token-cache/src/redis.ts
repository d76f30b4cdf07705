/**
 * `@wxhub/token-cache/redis`: the Redis store, a subpath of its own so that only its users need
 * `ioredis` (an optional peer dependency); the main entry never loads it.
 */
export { RedisStore, type RedisStoreClient, type RedisStoreOptions } from './redis-store';
