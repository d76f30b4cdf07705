import { isMissingCollection, scrub } from '@wxhub/core';
import type { CloudCollection, CloudDatabase } from './cloud-database';
import { TokenStoreError } from './errors';
import { FORCED_MEMORY_MS, LEASE_SKEW_MS } from './entry-rules';
import type { EntryNote, ForcedRefreshes, RefreshFailure, StoreEntry, Token, TokenStore } from './types';

export interface CloudDatabaseStoreOptions {
  /** `cloud.database()` of `wx-server-sdk`. */
  readonly db: CloudDatabase;
  /** Default `token`, the collection the seed-era functions use. */
  readonly collection?: string;
}

/**
 * The fields of a token document (`_id` = the key). `access_token` + `expires_in` are the
 * seed-era shape, which old functions keep reading and writing while a team migrates: keep
 * their names and meaning. `expires_in` is the ABSOLUTE expiry in epoch milliseconds.
 */
export const TOKEN_FIELDS = {
  value: 'access_token',
  expiresAt: 'expires_in',
  leaseHolder: 'lease_holder',
  leaseUntil: 'lease_until',
  refreshedAt: 'refreshed_at',
  updatedAt: 'updated_at',
  /** Renewals of the current lease: makes every heartbeat a change the database counts. */
  leaseBeats: 'lease_beats',
  failedAt: 'failed_at',
  failureCode: 'failure_code',
  failureCount: 'failure_count',
  retryAt: 'retry_at',
  forcedDay: 'forced_day',
  forcedCount: 'forced_count',
  forcedLastAt: 'forced_last_at',
} as const;

/** A `put` clears the failure memory (no remove operator needed: count 0 means none). */
const NO_FAILURE = { [TOKEN_FIELDS.failedAt]: 0, [TOKEN_FIELDS.failureCode]: '', [TOKEN_FIELDS.failureCount]: 0, [TOKEN_FIELDS.retryAt]: 0 };

/** A released lease is written as `lease_holder: ''`, `lease_until: 0` (no remove operator needed). */
const NO_LEASE = { [TOKEN_FIELDS.leaseHolder]: '', [TOKEN_FIELDS.leaseUntil]: 0 };

/**
 * Tokens in the cloud database, shared by every function instance of an environment.
 *
 * - `claim` is one conditional update, `where({_id, lease free or lapsed}).update(lease)`, won
 *   when it updated the document. With no document yet, `add({_id: key, lease})` creates it:
 *   an existing `_id` makes `add` fail, so exactly one creator wins (`doc.set` would not do:
 *   it is an upsert).
 * - A document may hold a lease and no token yet (the first refresh of a key): a token is
 *   present only when `access_token` is a non-empty string and `expires_in` a number.
 * - A missing collection (-502005) is created on the first write, then the write is retried
 *   once. Reads of a missing collection find nothing.
 */
export class CloudDatabaseStore implements TokenStore {
  private readonly db: CloudDatabase;
  private readonly name: string;

  constructor(options: CloudDatabaseStoreOptions) {
    this.db = options.db;
    this.name = options.collection ?? 'token';
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    const document = await this.findDocument('read', key);
    return document === undefined ? undefined : parseTokenDocument(document);
  }

  async claim(key: string, holder: string, until: number, now: number): Promise<boolean> {
    const lease = { [TOKEN_FIELDS.leaseHolder]: holder, [TOKEN_FIELDS.leaseUntil]: until, [TOKEN_FIELDS.updatedAt]: now };
    return this.write('claim', key, [], async (collection) => {
      const _ = this.db.command;
      // Free, lapsed, or reaching further out than any instance would set (hostile or corrupt).
      const leaseUntil = TOKEN_FIELDS.leaseUntil;
      const free = _.or([{ [leaseUntil]: _.exists(false) }, { [leaseUntil]: _.lte(now) }, { [leaseUntil]: _.gt(until + LEASE_SKEW_MS) }]);
      const updated = countOf(await collection.where(_.and([{ _id: key }, free])).update({ data: lease }), 'updated');
      if (updated > 0) return true;
      try {
        await collection.add({ data: { _id: key, ...lease } });
        return true;
      } catch (error) {
        // Most likely a duplicate _id (someone created it first, or it exists with a live lease);
        // the document's presence tells that apart from a real failure without parsing messages.
        if (isMissingCollection(error)) throw error;
        const document = await this.findDocument('claim', key);
        if (document === undefined) throw error;
        // A lease field of the wrong type matches no comparison: repaired by a compare-and-set
        // on the exact value seen, so a concurrent claimer that repaired it first wins instead.
        const seen = document[leaseUntil];
        if (seen === undefined || toMillis(seen) !== undefined) return false;
        return countOf(await collection.where({ _id: key, [leaseUntil]: _.eq(seen) }).update({ data: lease }), 'updated') > 0;
      }
    });
  }

  async renew(key: string, holder: string, until: number, now: number, note?: EntryNote): Promise<boolean> {
    const fields = {
      [TOKEN_FIELDS.leaseUntil]: until,
      [TOKEN_FIELDS.updatedAt]: now,
      [TOKEN_FIELDS.leaseBeats]: this.db.command.inc(1),
      ...noteFields(note),
    };
    return this.write('renew', key, [], async (collection) => {
      return countOf(await collection.where({ _id: key, [TOKEN_FIELDS.leaseHolder]: holder }).update({ data: fields }), 'updated') > 0;
    });
  }

  async put(key: string, token: Token, holder: string, now: number): Promise<void> {
    const fields = {
      [TOKEN_FIELDS.value]: token.value,
      [TOKEN_FIELDS.expiresAt]: token.expiresAt,
      [TOKEN_FIELDS.refreshedAt]: now,
      [TOKEN_FIELDS.updatedAt]: now,
      ...NO_FAILURE,
    };
    await this.write('put', key, [token.value], async (collection) => {
      const ownLease = { _id: key, [TOKEN_FIELDS.leaseHolder]: holder };
      if (countOf(await collection.where(ownLease).update({ data: { ...fields, ...NO_LEASE } }), 'updated') > 0) return;
      // Our lease lapsed and someone else holds one now: store the token, leave their lease.
      if (countOf(await collection.where({ _id: key }).update({ data: fields }), 'updated') > 0) return;
      // The document vanished meanwhile (evicted): recreate it.
      await collection.doc(key).set({ data: fields });
    });
  }

  async release(key: string, holder: string, now: number, note?: EntryNote): Promise<void> {
    await this.write('release', key, [], async (collection) => {
      const data = { ...NO_LEASE, [TOKEN_FIELDS.updatedAt]: now, ...noteFields(note) };
      await collection.where({ _id: key, [TOKEN_FIELDS.leaseHolder]: holder }).update({ data });
    });
  }

  async evict(key: string, now: number): Promise<boolean> {
    return (await this.removeDead('evict', key, now)) > 0;
  }

  async evictExpired(now: number): Promise<number> {
    return this.removeDead('evictExpired', undefined, now);
  }

  /** Documents with no token or an expired one, and no live lease: one conditional remove. */
  private async removeDead(operation: string, key: string | undefined, now: number): Promise<number> {
    const _ = this.db.command;
    const conditions = [
      this.absentOrAtMost(TOKEN_FIELDS.expiresAt, now),
      this.absentOrAtMost(TOKEN_FIELDS.leaseUntil, now),
      this.absentOrAtMost(TOKEN_FIELDS.retryAt, now - FORCED_MEMORY_MS),
      this.absentOrAtMost(TOKEN_FIELDS.forcedLastAt, now - FORCED_MEMORY_MS),
      ...(key === undefined ? [] : [{ _id: key }]),
    ];
    try {
      const result = await this.collection().where(_.and(conditions)).remove();
      return countOf(result, 'removed');
    } catch (error) {
      if (isMissingCollection(error)) return 0;
      throw this.storeError(operation, key, error, []);
    }
  }

  /**
   * Field-level `_.or(_.exists(false), _.lte(n))` would be shorter, but the SDK merges two of
   * them in one object into a single `$or`; explicit `_.or([{f: …}, {f: …}])` inside `_.and` is safe.
   */
  private absentOrAtMost(field: string, limit: number): object {
    const _ = this.db.command;
    return _.or([{ [field]: _.exists(false) }, { [field]: _.lte(limit) }]);
  }

  private async findDocument(operation: string, key: string): Promise<Record<string, unknown> | undefined> {
    try {
      // `where` rather than `doc().get()`, which throws for a missing document.
      const result = await this.collection().where({ _id: key }).get();
      return documentsOf(result)[0];
    } catch (error) {
      if (isMissingCollection(error)) return undefined;
      throw this.storeError(operation, key, error, []);
    }
  }

  private async write<T>(operation: string, key: string, secrets: string[], run: (collection: CloudCollection) => Promise<T>): Promise<T> {
    try {
      try {
        return await run(this.collection());
      } catch (error) {
        if (!isMissingCollection(error)) throw error;
        await this.createCollection();
        return await run(this.collection());
      }
    } catch (error) {
      throw this.storeError(operation, key, error, secrets);
    }
  }

  private async createCollection(): Promise<void> {
    try {
      await this.db.createCollection(this.name);
    } catch {
      // "Already exists" (another instance was first) is fine; anything else shows in the retry.
    }
  }

  private collection(): CloudCollection {
    return this.db.collection(this.name);
  }

  private storeError(operation: string, key: string | undefined, error: unknown, secrets: string[]): TokenStoreError {
    if (error instanceof TokenStoreError) return error;
    const message = error instanceof Error ? error.message : String(error);
    // No `cause`: the SDK's error object may carry the request, token included.
    return new TokenStoreError(operation, key, scrub(message, secrets));
  }
}

/**
 * A document of the `token` collection as a store entry, seed-era documents included. Every
 * field is checked; one that is present but malformed is left out and named in `corrupt` (the
 * next writer replaces it). Cleared fields (`''`/0, see NO_LEASE and NO_FAILURE) mean absent.
 */
export function parseTokenDocument(document: Record<string, unknown>): StoreEntry {
  const corrupt: string[] = [];
  const field = <T>(names: readonly string[], read: () => T | undefined, cleared: boolean): T | undefined => {
    if (names.every((name) => document[name] === undefined) || cleared) return undefined;
    const value = read();
    if (value === undefined) corrupt.push(...names);
    return value;
  };
  const F = TOKEN_FIELDS;
  const value = document[F.value];
  const token = field<Token>(
    [F.value, F.expiresAt],
    () => {
      const expiresAt = toMillis(document[F.expiresAt]);
      return typeof value === 'string' && value !== '' && expiresAt !== undefined ? { value, expiresAt } : undefined;
    },
    value === '' || value === null,
  );
  const holder = document[F.leaseHolder];
  const lease = field(
    [F.leaseHolder, F.leaseUntil],
    () => {
      const until = toMillis(document[F.leaseUntil]);
      return typeof holder === 'string' && until !== undefined && until > 0 ? { holder, until } : undefined;
    },
    holder === '' && (document[F.leaseUntil] === 0 || document[F.leaseUntil] === undefined),
  );
  const failure = field<RefreshFailure>(
    [F.failedAt, F.failureCode, F.failureCount, F.retryAt],
    () => {
      const at = toMillis(document[F.failedAt]);
      const code = document[F.failureCode];
      const count = document[F.failureCount];
      const retryAt = toMillis(document[F.retryAt]);
      return at !== undefined && typeof code === 'string' && isCount(count) && retryAt !== undefined ? { at, code, count, retryAt } : undefined;
    },
    document[F.failureCount] === 0,
  );
  const forced = field<ForcedRefreshes>(
    [F.forcedDay, F.forcedCount, F.forcedLastAt],
    () => {
      const day = document[F.forcedDay];
      const count = document[F.forcedCount];
      const lastAt = toMillis(document[F.forcedLastAt]);
      return typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && isCount(count) && lastAt !== undefined ? { day, count, lastAt } : undefined;
    },
    false,
  );
  return {
    ...(token ? { token } : {}),
    ...(lease ? { lease } : {}),
    ...(failure ? { failure } : {}),
    ...(forced ? { forced } : {}),
    ...(corrupt.length > 0 ? { corrupt } : {}),
  };
}

/** The fields of a holder's note. */
function noteFields(note: EntryNote | undefined): Record<string, unknown> {
  const F = TOKEN_FIELDS;
  return {
    ...(note?.failure
      ? { [F.failedAt]: note.failure.at, [F.failureCode]: note.failure.code, [F.failureCount]: note.failure.count, [F.retryAt]: note.failure.retryAt }
      : {}),
    ...(note?.forced ? { [F.forcedDay]: note.forced.day, [F.forcedCount]: note.forced.count, [F.forcedLastAt]: note.forced.lastAt } : {}),
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (value instanceof Date && Number.isFinite(value.getTime()) && value.getTime() >= 0) return value.getTime();
  return undefined;
}

function documentsOf(result: unknown): Array<Record<string, unknown>> {
  const data = (result as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) throw new TokenStoreError('read', undefined, 'the database answered without a data list');
  return data.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
}

function countOf(result: unknown, field: 'updated' | 'removed'): number {
  const count = (result as { stats?: Record<string, unknown> } | undefined)?.stats?.[field];
  if (typeof count !== 'number')
    throw new TokenStoreError(field === 'updated' ? 'update' : 'remove', undefined, `the database answered without stats.${field}`);
  return count;
}
