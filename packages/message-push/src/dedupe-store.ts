import { InvalidArgumentError } from '@wxhub/core';

/**
 * Remembers which pushes were handled, so WeChat's retries (it waits 5 s, then tries again, up to
 * 3 times) reach the application once. Several servers behind one push URL need a shared store
 * (Redis `SET key 1 NX PX ttl`, a database insert on a unique key); one process can use
 * MemoryDedupeStore.
 */
export interface DedupeStore {
  /**
   * Records `key` as handled for `ttlMs` from `nowMs` and answers true, or answers false when it
   * is recorded already and not yet expired. Must be atomic when several requests race.
   */
  claim(key: string, ttlMs: number, nowMs: number): boolean | Promise<boolean>;
  /** Forgets `key`: the application failed on it and may be given it again. */
  release(key: string): void | Promise<void>;
}

export interface MemoryDedupeStoreOptions {
  /** Keys kept at most; the least recently claimed go first. Default 10 000. */
  readonly maxEntries?: number;
}

/**
 * An in-process DedupeStore: a Map in least-recently-claimed order, bounded in size. Expired keys
 * are dropped as they are met at the old end; a full store drops its oldest key even if unexpired.
 */
export class MemoryDedupeStore implements DedupeStore {
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new InvalidArgumentError('maxEntries', 'must be a positive integer');
    this.maxEntries = maxEntries;
  }

  claim(key: string, ttlMs: number, nowMs: number): boolean {
    this.dropExpired(nowMs);
    const expiry = this.expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.expiries.delete(key);
    this.expiries.set(key, nowMs + ttlMs);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done) break;
      this.expiries.delete(oldest.value);
    }
    return true;
  }

  release(key: string): void {
    this.expiries.delete(key);
  }

  get size(): number {
    return this.expiries.size;
  }

  private dropExpired(nowMs: number): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry > nowMs) return;
      this.expiries.delete(key);
    }
  }
}
