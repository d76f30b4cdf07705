import { claimEntry, isDead, putEntry, releaseEntry, renewEntry } from './entry-rules';
import type { EntryNote, StoreEntry, Token, TokenStore } from './types';

/**
 * One process's store. Every method does its read-modify-write without awaiting in between, so
 * on Node's single thread each one is atomic, `claim` included: several TokenCache instances on
 * one MemoryStore behave like several processes on a shared store.
 */
export class MemoryStore implements TokenStore {
  private readonly entries = new Map<string, StoreEntry>();

  async read(key: string): Promise<StoreEntry | undefined> {
    return this.entries.get(key);
  }

  async claim(key: string, holder: string, until: number, now: number): Promise<boolean> {
    const next = claimEntry(this.entries.get(key), holder, until, now);
    if (!next) return false;
    this.entries.set(key, next);
    return true;
  }

  async renew(key: string, holder: string, until: number, _now: number, note?: EntryNote): Promise<boolean> {
    const next = renewEntry(this.entries.get(key), holder, until, note);
    if (!next) return false;
    this.entries.set(key, next);
    return true;
  }

  async put(key: string, token: Token, holder: string, _now: number): Promise<void> {
    this.entries.set(key, putEntry(this.entries.get(key), token, holder));
  }

  async release(key: string, holder: string, _now: number, note?: EntryNote): Promise<void> {
    this.apply(key, releaseEntry(this.entries.get(key), holder, note));
  }

  async evict(key: string, now: number): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry || !isDead(entry, now)) return false;
    this.entries.delete(key);
    return true;
  }

  async evictExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (isDead(entry, now)) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** How many keys it holds (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private apply(key: string, next: StoreEntry | undefined | null): void {
    if (next === null) return;
    if (next === undefined) this.entries.delete(key);
    else this.entries.set(key, next);
  }
}
