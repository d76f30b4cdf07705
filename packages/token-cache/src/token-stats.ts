/** What one cache instance did for one key since it started (`TokenCache.stats()`). */
export interface TokenKeyStats {
  /** Served from this instance's memory, no store read. */
  memoryHits: number;
  /** Served a fresh token another instance had stored. */
  storeHits: number;
  /** Tokens this instance fetched from upstream and stored. */
  fetches: number;
  /** Of which forced (`force_refresh: true`). */
  forcedFetches: number;
  /** Forced refreshes spent today by every instance, as last seen in the store. */
  forcedToday: number;
  /** What is left of the day's force budget, as last seen. */
  forceBudgetLeft: number;
  /** Times a caller waited for another instance's refresh. */
  waits: number;
  /** Tokens inside the margin served because no fresh one could be had in time. */
  staleServes: number;
  /** Leases taken over from a holder whose lease had lapsed (crashed or stalled). */
  takeovers: number;
  /** Failed refreshes by error code. */
  failures: Record<string, number>;
  /** The last failure: code, masked message, epoch ms. */
  lastError?: { code: string; message: string; at: number };
}

/** The counters of every key, kept by the cache. */
export class TokenStats {
  private readonly keys = new Map<string, TokenKeyStats>();

  /** `perDay`: the force budget, all of it left until the store says otherwise. */
  constructor(private readonly perDay: number) {}

  of(key: string): TokenKeyStats {
    let stats = this.keys.get(key);
    if (!stats) {
      stats = {
        memoryHits: 0,
        storeHits: 0,
        fetches: 0,
        forcedFetches: 0,
        forcedToday: 0,
        forceBudgetLeft: this.perDay,
        waits: 0,
        staleServes: 0,
        takeovers: 0,
        failures: {},
      };
      this.keys.set(key, stats);
    }
    return stats;
  }

  failed(key: string, code: string, message: string, at: number): void {
    const stats = this.of(key);
    stats.failures[code] = (stats.failures[code] ?? 0) + 1;
    stats.lastError = { code, message, at };
  }

  forceSeen(key: string, spent: number, perDay: number): void {
    const stats = this.of(key);
    stats.forcedToday = spent;
    stats.forceBudgetLeft = Math.max(0, perDay - spent);
  }

  snapshot(): Record<string, TokenKeyStats> {
    const copy: Record<string, TokenKeyStats> = {};
    for (const [key, stats] of this.keys) {
      copy[key] = { ...stats, failures: { ...stats.failures }, ...(stats.lastError ? { lastError: { ...stats.lastError } } : {}) };
    }
    return copy;
  }
}
