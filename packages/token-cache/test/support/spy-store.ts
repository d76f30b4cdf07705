import type { EntryNote, StoreEntry, Token, TokenStore } from '../../src';

type Method = 'read' | 'claim' | 'renew' | 'put' | 'release' | 'evict' | 'evictExpired';

/** Counts the calls a cache makes to a store, and can run a step just before a claim. */
export class SpyStore implements TokenStore {
  readonly calls: Record<Method, number> = { read: 0, claim: 0, renew: 0, put: 0, release: 0, evict: 0, evictExpired: 0 };
  readonly evicted: string[] = [];
  beforeClaim: (() => Promise<void>) | undefined;

  constructor(readonly inner: TokenStore) {}

  read(key: string): Promise<StoreEntry | undefined> {
    this.calls.read++;
    return this.inner.read(key);
  }

  async claim(key: string, holder: string, until: number, now: number): Promise<boolean> {
    this.calls.claim++;
    const step = this.beforeClaim;
    this.beforeClaim = undefined;
    if (step) await step();
    return this.inner.claim(key, holder, until, now);
  }

  renew(key: string, holder: string, until: number, now: number, note?: EntryNote): Promise<boolean> {
    this.calls.renew++;
    return this.inner.renew(key, holder, until, now, note);
  }

  put(key: string, token: Token, holder: string, now: number): Promise<void> {
    this.calls.put++;
    return this.inner.put(key, token, holder, now);
  }

  release(key: string, holder: string, now: number, note?: EntryNote): Promise<void> {
    this.calls.release++;
    return this.inner.release(key, holder, now, note);
  }

  async evict(key: string, now: number): Promise<boolean> {
    this.calls.evict++;
    const removed = await this.inner.evict(key, now);
    if (removed) this.evicted.push(key);
    return removed;
  }

  evictExpired(now: number): Promise<number> {
    this.calls.evictExpired++;
    return this.inner.evictExpired(now);
  }
}
