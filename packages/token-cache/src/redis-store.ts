import { createHash } from 'crypto';
import Redis, { type RedisOptions } from 'ioredis';
import { InvalidArgumentError, scrub } from '@wxhub/core';
import { TokenStoreError } from './errors';
import { FORCED_MEMORY_MS, LEASE_SKEW_MS } from './entry-rules';
import type { EntryNote, ForcedRefreshes, RefreshFailure, StoreEntry, Token, TokenStore } from './types';

/** The part of an ioredis client the store uses; `Redis` (standalone or Sentinel) has it. */
export type RedisStoreClient = Pick<Redis, 'eval' | 'evalsha' | 'multi' | 'smembers'>;

export interface RedisStoreOptions {
  /** A client the application already has. The store never closes it. */
  readonly client?: RedisStoreClient;
  /** Or where to connect, `redis://[:password@]host:port[/db]`: the store owns that client and `close()` ends it. */
  readonly url?: string;
  /** ioredis options for the client made from `url` (they override the store's defaults). */
  readonly redisOptions?: RedisOptions;
  /** Namespace of every key the store writes. Default `wxhub:`. */
  readonly prefix?: string;
  /**
   * How long after a token expired (or a lease lapsed) Redis drops the key, by Redis's own clock.
   * Expiry itself is judged on `expiresAt`/`until` against each caller's `now`; the TTL only
   * bounds garbage, so a margin against clock drift between a writer and Redis costs nothing.
   * Default 1 s.
   */
  readonly graceMs?: number;
}

/** A failing Redis should fail the call soon, not queue it for minutes: the cache then serves stale or reports. */
const OWNED_CLIENT_DEFAULTS: RedisOptions = { maxRetriesPerRequest: 2, connectTimeout: 5_000, commandTimeout: 5_000 };

/**
 * Takes the lease unless a live one (by the caller's `now`) is held; registers the key for
 * sweeps. A lease reaching past ARGV[6] (the claimer's own end plus the skew) is hostile: taken.
 */
const CLAIM = luaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'until'))
if current and current > tonumber(ARGV[3]) and current <= tonumber(ARGV[6]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
return 1
`);

/** Compare-and-delete: only the holder's own lease goes. */
const RELEASE = luaScript(`
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * The heartbeat, and a holder's note: only the holder's own lease is extended (ARGV[2], TTL
 * ARGV[3]); the note's field pairs (ARGV[5]…) go into the meta hash, kept ARGV[4] ms.
 */
const RENEW = luaScript(`
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if #ARGV > 4 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 5))
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return 1
`);

/** Release with a note (the failure): the holder's lease goes, the note's pairs (ARGV[3]…) stay ARGV[2] ms. */
const RELEASE_NOTED = luaScript(`
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

/**
 * Removes a dead entry (no unexpired token, no live lease): 1 when it removed one. A key with
 * neither Redis key left (Redis expired both) only leaves the sweep index.
 */
const EVICT = luaScript(`
local now = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[2])
  return 0
end
local expires = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if expires and expires > now then return 0 end
local lease = tonumber(redis.call('HGET', KEYS[2], 'until'))
if lease and lease > now then return 0 end
local retry = tonumber(redis.call('HGET', KEYS[4], 'retryAt'))
if retry and retry > tonumber(ARGV[3]) then return 0 end
local forced = tonumber(redis.call('HGET', KEYS[4], 'forcedLastAt'))
if forced and forced > tonumber(ARGV[3]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[2])
return 1
`);

/**
 * Tokens in Redis, shared by every process of a backend running on several machines.
 *
 * Per key: a hash `<prefix>token:<key>` {value, expiresAt} and a hash `<prefix>lease:<key>`
 * {holder, until}, each with a Redis TTL of its expiry plus `graceMs`, so Redis drops dead
 * entries itself; `<prefix>keys` is a set of the keys in use, for `evictExpired`.
 * - `claim` is one Lua script: atomic on Redis's single thread, so exactly one caller wins.
 *   Liveness is judged on `until` against the caller's `now` (like every store); the TTL makes a
 *   crashed holder's lease vanish too.
 * - `put` is one MULTI: the token, its TTL, and the caller's own lease deleted (compare-and-delete
 *   in Lua). The token goes as an HSET value, never as a script argument: ioredis's tracing
 *   reports every argument of EVAL/EVALSHA but redacts HSET values.
 * - `evictExpired` visits the keys of `<prefix>keys` (a handful: one per appid), not the keyspace.
 * Standalone and Sentinel Redis; not Redis Cluster (the scripts touch several keys).
 */
export class RedisStore implements TokenStore {
  private readonly client: RedisStoreClient;
  private readonly owned: Redis | undefined;
  private readonly prefix: string;
  private readonly graceMs: number;

  constructor(options: RedisStoreOptions) {
    if ((options.client === undefined) === (options.url === undefined)) {
      throw new InvalidArgumentError('RedisStoreOptions', 'give either `client` or `url`');
    }
    this.prefix = options.prefix ?? 'wxhub:';
    if (this.prefix === '') throw new InvalidArgumentError('prefix', 'is empty');
    this.graceMs = options.graceMs ?? 1_000;
    if (!(this.graceMs >= 0) || !Number.isFinite(this.graceMs)) throw new InvalidArgumentError('graceMs', 'must be a finite number of milliseconds ≥ 0');
    if (options.client) {
      this.client = options.client;
    } else {
      this.owned = new Redis(String(options.url), { ...OWNED_CLIENT_DEFAULTS, ...options.redisOptions });
      // Failures reach callers through the command that failed; without a listener ioredis
      // prints every reconnection error to the console.
      this.owned.on('error', () => undefined);
      this.client = this.owned;
    }
  }

  /** The Redis key of `key`'s token hash. */
  tokenKey(key: string): string {
    return `${this.prefix}token:${key}`;
  }

  /** The Redis key of `key`'s lease hash. */
  leaseKey(key: string): string {
    return `${this.prefix}lease:${key}`;
  }

  /** The Redis key of `key`'s meta hash: the failure memory and the forced-refresh count. */
  metaKey(key: string): string {
    return `${this.prefix}meta:${key}`;
  }

  /** The set of keys `evictExpired` visits. */
  get indexKey(): string {
    return `${this.prefix}keys`;
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    const [tokenFields, leaseFields, metaFields] = await this.transaction('read', key, [], (multi) =>
      multi
        .hmget(this.tokenKey(key), 'value', 'expiresAt')
        .hmget(this.leaseKey(key), 'holder', 'until')
        .hmget(this.metaKey(key), ...META_FIELDS),
    );
    const corrupt: string[] = [];
    const token = pair(tokenFields, 'token', corrupt);
    const lease = pair(leaseFields, 'lease', corrupt);
    const { failure, forced } = parseMeta(metaFields, corrupt);
    const entry: StoreEntry = {
      ...(token ? { token: { value: token[0], expiresAt: token[1] } } : {}),
      ...(lease ? { lease: { holder: lease[0], until: lease[1] } } : {}),
      ...(failure ? { failure } : {}),
      ...(forced ? { forced } : {}),
      ...(corrupt.length > 0 ? { corrupt } : {}),
    };
    return Object.keys(entry).length > 0 ? entry : undefined;
  }

  async claim(key: string, holder: string, until: number, now: number): Promise<boolean> {
    const ttl = this.ttl(until, now);
    const won = await this.script('claim', key, CLAIM, [this.leaseKey(key), this.indexKey], [holder, until, now, ttl, key, until + LEASE_SKEW_MS]);
    return won === 1;
  }

  async renew(key: string, holder: string, until: number, now: number, note?: EntryNote): Promise<boolean> {
    const args = [holder, until, this.ttl(until, now), FORCED_MEMORY_MS + this.graceMs, ...notePairs(note)];
    return (await this.script('renew', key, RENEW, [this.leaseKey(key), this.metaKey(key)], args)) === 1;
  }

  async put(key: string, token: Token, holder: string, now: number): Promise<void> {
    const ttl = this.ttl(token.expiresAt, now);
    await this.transaction('put', key, [token.value], (multi) =>
      multi
        .hset(this.tokenKey(key), 'value', token.value, 'expiresAt', String(token.expiresAt))
        .pexpire(this.tokenKey(key), ttl)
        .sadd(this.indexKey, key)
        .hdel(this.metaKey(key), ...FAILURE_FIELDS)
        // EVAL, not EVALSHA: inside MULTI a missing script cannot be retried without breaking atomicity.
        .eval(RELEASE.source, 1, this.leaseKey(key), holder),
    );
  }

  async release(key: string, holder: string, _now: number, note?: EntryNote): Promise<void> {
    const pairs = notePairs(note);
    if (pairs.length === 0) await this.script('release', key, RELEASE, [this.leaseKey(key)], [holder]);
    else await this.script('release', key, RELEASE_NOTED, [this.leaseKey(key), this.metaKey(key)], [holder, FORCED_MEMORY_MS + this.graceMs, ...pairs]);
  }

  async evict(key: string, now: number): Promise<boolean> {
    const keys = [this.tokenKey(key), this.leaseKey(key), this.indexKey, this.metaKey(key)];
    return (await this.script('evict', key, EVICT, keys, [now, key, now - FORCED_MEMORY_MS])) === 1;
  }

  async evictExpired(now: number): Promise<number> {
    let keys: string[];
    try {
      keys = await this.client.smembers(this.indexKey);
    } catch (error) {
      throw storeError('evictExpired', undefined, error, []);
    }
    let removed = 0;
    for (const key of keys) if (await this.evict(key, now)) removed++;
    return removed;
  }

  /** Ends the connection the store opened from `url`; a client passed in is left open. */
  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.owned.quit();
    } catch {
      this.owned.disconnect();
    }
  }

  /** Milliseconds until Redis may drop a key whose content dies at `at` by the caller's clock. */
  private ttl(at: number, now: number): number {
    if (!Number.isFinite(at) || !Number.isFinite(now)) throw new InvalidArgumentError('time', 'must be finite epoch milliseconds');
    return Math.max(1, Math.ceil(at - now + this.graceMs));
  }

  private async script(operation: string, key: string, script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      try {
        return await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        // Redis forgets scripts on restart or SCRIPT FLUSH; EVAL loads it again.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await this.client.eval(script.source, keys.length, ...keys, ...args);
      }
    } catch (error) {
      throw storeError(operation, key, error, []);
    }
  }

  private async transaction(
    operation: string,
    key: string,
    secrets: string[],
    build: (multi: ReturnType<RedisStoreClient['multi']>) => ReturnType<RedisStoreClient['multi']>,
  ): Promise<unknown[]> {
    try {
      const replies = await build(this.client.multi()).exec();
      if (!replies) throw new Error('the transaction was aborted');
      return replies.map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
    } catch (error) {
      throw storeError(operation, key, error, secrets);
    }
  }
}

interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const FAILURE_FIELDS = ['failedAt', 'failureCode', 'failureCount', 'retryAt'] as const;
const FORCED_FIELDS = ['forcedDay', 'forcedCount', 'forcedLastAt'] as const;
const META_FIELDS = [...FAILURE_FIELDS, ...FORCED_FIELDS];

/**
 * HMGET's reply of [text, epoch ms]; undefined when absent. Half present or malformed (written
 * by hand, or by something hostile): undefined, and `name` goes into `corrupt`.
 */
function pair(reply: unknown, name: string, corrupt: string[]): [string, number] | undefined {
  const [text, time] = Array.isArray(reply) ? (reply as unknown[]) : [];
  if ((text === null || text === undefined) && (time === null || time === undefined)) return undefined;
  const millis = number(time);
  if (typeof text === 'string' && text !== '' && millis !== undefined) return [text, millis];
  corrupt.push(name);
  return undefined;
}

function number(text: unknown): number | undefined {
  const value = typeof text === 'string' && text !== '' ? Number(text) : Number.NaN;
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function parseMeta(reply: unknown, corrupt: string[]): { failure?: RefreshFailure; forced?: ForcedRefreshes } {
  const values = Array.isArray(reply) ? (reply as unknown[]) : [];
  const [failedAt, code, failureCount, retryAt, day, forcedCount, lastAt] = values;
  const result: { failure?: RefreshFailure; forced?: ForcedRefreshes } = {};
  if ([failedAt, code, failureCount, retryAt].some((value) => value !== null && value !== undefined)) {
    const at = number(failedAt);
    const count = number(failureCount);
    const until = number(retryAt);
    if (at !== undefined && typeof code === 'string' && count !== undefined && Number.isInteger(count) && until !== undefined) {
      result.failure = { at, code, count, retryAt: until };
    } else corrupt.push('failure');
  }
  if ([day, forcedCount, lastAt].some((value) => value !== null && value !== undefined)) {
    const count = number(forcedCount);
    const last = number(lastAt);
    if (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && count !== undefined && Number.isInteger(count) && last !== undefined) {
      result.forced = { day, count, lastAt: last };
    } else corrupt.push('forced');
  }
  return result;
}

/** A note as HSET field/value pairs of the meta hash. No token ever travels in a note. */
function notePairs(note: EntryNote | undefined): string[] {
  const pairs: string[] = [];
  if (note?.failure) {
    const { at, code, count, retryAt } = note.failure;
    pairs.push('failedAt', String(at), 'failureCode', code, 'failureCount', String(count), 'retryAt', String(retryAt));
  }
  if (note?.forced) {
    const { day, count, lastAt } = note.forced;
    pairs.push('forcedDay', day, 'forcedCount', String(count), 'forcedLastAt', String(lastAt));
  }
  return pairs;
}

/** No `cause`: ioredis attaches the failed command's arguments to its errors, token included. */
function storeError(operation: string, key: string | undefined, error: unknown, secrets: string[]): TokenStoreError {
  if (error instanceof TokenStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TokenStoreError(operation, key, scrub(message, secrets));
}
