import { promises as fs } from 'fs';
import * as path from 'path';
import { systemClock, type Clock } from '@wxhub/core';
import { errorCode, isTempFile, readJsonFile, removeIfPresent, writeFileAtomic } from './atomic-file';
import { claimEntry, isDead, putEntry, releaseEntry, renewEntry } from './entry-rules';
import { TokenStoreError } from './errors';
import { withFileLock, type FileLockOptions, type LockGuard } from './file-lock';
import type { EntryNote, ForcedRefreshes, RefreshFailure, StoreEntry, Token, TokenStore } from './types';

export interface FileStoreOptions {
  /** The directory of the token files; created when missing. Keep it private (mode 0700). */
  readonly dir: string;
  /**
   * A lock this old is presumed left by a crashed process (wall time: the lock directory's mtime,
   * which a live holder refreshes every half of it). Default 10 s, at least 2 s.
   */
  readonly lockStaleMs?: number;
  /** The time written as `updatedAt`. Token expiry and leases use the caller's `now`. */
  readonly clock?: Clock;
}

/** Temporary files of a writer that crashed between writing and renaming. */
const ABANDONED_TEMP_MS = 10 * 60_000;

/**
 * Tokens in files, for a self-hosted server (several processes on one machine). One file per
 * key, `<dir>/<key>.json`, holding `{key, token?, lease?, updatedAt}`: a refresh of one key never
 * rewrites or locks another, and a human can read what is there. Readers read the file without
 * locking: every write is a temporary file flushed to disk and renamed over it. Writers
 * (claim, put, release, evict) do their read-modify-write under a per-key lock (`<key>.lock`,
 * a proper-lockfile lock directory, see file-lock.ts), which is what makes `claim` atomic
 * across processes.
 */
export class FileStore implements TokenStore {
  private readonly dir: string;
  private readonly lock: FileLockOptions;
  private readonly clock: Clock;
  private ready: Promise<void> | undefined;

  constructor(options: FileStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.lock = { staleMs: options.lockStaleMs ?? 10_000 };
    this.clock = options.clock ?? systemClock;
  }

  /** The file that holds `key`'s entry. */
  fileFor(key: string): string {
    return path.join(this.dir, `${fileNameFor(key)}.json`);
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    return this.guard('read', key, async () => parseEntry(await readJsonFile(this.fileFor(key)), key));
  }

  async claim(key: string, holder: string, until: number, now: number): Promise<boolean> {
    return this.mutate('claim', key, async (entry, commit) => {
      const next = claimEntry(entry, holder, until, now);
      if (!next) return false;
      await commit(next);
      return true;
    });
  }

  async renew(key: string, holder: string, until: number, _now: number, note?: EntryNote): Promise<boolean> {
    return this.mutate('renew', key, async (entry, commit) => {
      const next = renewEntry(entry, holder, until, note);
      if (!next) return false;
      await commit(next);
      return true;
    });
  }

  async put(key: string, token: Token, holder: string, _now: number): Promise<void> {
    await this.mutate('put', key, (entry, commit) => commit(putEntry(entry, token, holder)));
  }

  async release(key: string, holder: string, _now: number, note?: EntryNote): Promise<void> {
    await this.mutate('release', key, async (entry, commit) => {
      const next = releaseEntry(entry, holder, note);
      if (next !== null) await commit(next);
    });
  }

  async evict(key: string, now: number): Promise<boolean> {
    return this.mutate('evict', key, async (entry, commit) => {
      if (!entry || !isDead(entry, now)) return false;
      await commit(undefined);
      return true;
    });
  }

  async evictExpired(now: number): Promise<number> {
    const names = await this.guard('evictExpired', undefined, () => this.listDir());
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (isTempFile(name)) {
        await this.guard('evictExpired', undefined, () => removeAbandonedTemp(file));
      } else if (name.endsWith('.json')) {
        // Decided without the lock first, so live entries cost one read and no lock.
        const raw = await this.guard('evictExpired', undefined, () => readJsonFile(file));
        const key = keyOf(raw);
        const entry = key === undefined ? undefined : parseEntry(raw, key);
        if (key !== undefined && entry && isDead(entry, now) && (await this.evict(key, now))) removed++;
      }
    }
    return removed;
  }

  private async mutate<T>(
    operation: string,
    key: string,
    change: (entry: StoreEntry | undefined, commit: (next: StoreEntry | undefined) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    return this.guard(operation, key, async () => {
      await this.ensureDir();
      const file = this.fileFor(key);
      return withFileLock(`${path.join(this.dir, fileNameFor(key))}.lock`, this.lock, async (guard: LockGuard) => {
        const entry = parseEntry(await readJsonFile(file), key);
        return change(entry, async (next) => {
          await guard.assertHeld();
          if (next === undefined) await removeIfPresent(file);
          else await writeFileAtomic(file, serialize(key, next, this.clock.now()));
        });
      });
    });
  }

  private async listDir(): Promise<string[]> {
    try {
      return await fs.readdir(this.dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  private ensureDir(): Promise<void> {
    this.ready ??= fs.mkdir(this.dir, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  /** File system errors become TokenStoreErrors naming the operation and the errno code. */
  private async guard<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof TokenStoreError) throw error;
      const code = errorCode(error);
      throw new TokenStoreError(operation, key, code ?? (error instanceof Error ? error.message : String(error)), {
        cause: error,
        transient: code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS',
      });
    }
  }
}

/** A file name for any key: only `[A-Za-z0-9_%-]`, so no dot files, no separators, no `..`. */
export function fileNameFor(key: string): string {
  return encodeURIComponent(key).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function serialize(key: string, entry: StoreEntry, now: number): string {
  return `${JSON.stringify({ key, ...entry, updatedAt: now }, null, 2)}\n`;
}

function keyOf(raw: unknown): string | undefined {
  const key = (raw as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key : undefined;
}

/**
 * The entry in a file's JSON, every field checked; a malformed field is left out and named in
 * `corrupt` (the next write replaces it). A file that is not an entry at all counts as absent.
 */
function parseEntry(raw: unknown, key: string): StoreEntry | undefined {
  if (typeof raw !== 'object' || raw === null || keyOf(raw) !== key) return undefined;
  const { token, lease, failure, forced } = raw as Record<string, unknown>;
  const corrupt: string[] = [];
  const entry: { token?: Token; lease?: { holder: string; until: number }; failure?: RefreshFailure; forced?: ForcedRefreshes; corrupt?: string[] } = {};
  if (token !== undefined) {
    const { value, expiresAt } = (token ?? {}) as Record<string, unknown>;
    if (typeof value === 'string' && value !== '' && isTime(expiresAt)) entry.token = { value, expiresAt };
    else corrupt.push('token');
  }
  if (lease !== undefined) {
    const { holder, until } = (lease ?? {}) as Record<string, unknown>;
    if (typeof holder === 'string' && holder !== '' && isTime(until)) entry.lease = { holder, until };
    else corrupt.push('lease');
  }
  if (failure !== undefined) {
    const { at, code, count, retryAt } = (failure ?? {}) as Record<string, unknown>;
    if (isTime(at) && typeof code === 'string' && isCount(count) && isTime(retryAt)) entry.failure = { at, code, count, retryAt };
    else corrupt.push('failure');
  }
  if (forced !== undefined) {
    const { day, count, lastAt } = (forced ?? {}) as Record<string, unknown>;
    if (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && isCount(count) && isTime(lastAt)) entry.forced = { day, count, lastAt };
    else corrupt.push('forced');
  }
  if (corrupt.length > 0) entry.corrupt = corrupt;
  return entry;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

async function removeAbandonedTemp(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    // Wall time on purpose: this is about a crashed writer's leftovers, not about token time.
    if (Date.now() - stat.mtimeMs < ABANDONED_TEMP_MS) return false;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  return removeIfPresent(file);
}
