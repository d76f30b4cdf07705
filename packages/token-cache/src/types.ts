/** A credential and the moment it stops working, in epoch milliseconds. */
export interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

export interface FetchRequest {
  readonly key: string;
  /**
   * True when the current token was rejected upstream (40001/42001/40014) and a plain fetch
   * could hand the same one back (`stable_token` does): the provider must force a new one.
   */
  readonly forceRefresh: boolean;
}

/** How to get a fresh credential from upstream. Throws typed errors (transient or not). */
export interface TokenProvider {
  /** For logs and errors, e.g. `wechat cgi-bin/token wx12***ef`; never contains a secret. */
  readonly description: string;
  fetch(request: FetchRequest): Promise<Token>;
}

/** The right to refresh one key, held by one cache instance until `until` (epoch ms). */
export interface Lease {
  readonly holder: string;
  readonly until: number;
}

/**
 * What the store holds for one key. A token and a lease are independent: an entry can hold a
 * token with no lease (the usual state), a lease with no token yet (the first refresh of a key
 * is under way), or both (a refresh of an existing token is under way).
 */
export interface StoreEntry {
  readonly token?: Token;
  readonly lease?: Lease;
  /** The last refresh failed: every instance leaves upstream alone until `retryAt`. Cleared by `put`. */
  readonly failure?: RefreshFailure;
  /** Forced refreshes of the current budget day; survives `put`. */
  readonly forced?: ForcedRefreshes;
  /** Fields of the stored record that were present but malformed (ignored; the next write replaces them). */
  readonly corrupt?: readonly string[];
}

/** A failed refresh as every instance sees it (shared failure memory). */
export interface RefreshFailure {
  /** When it failed (epoch ms). */
  readonly at: number;
  /** The error code (`WECHAT_-1`, `TIMEOUT`, …): no message, so no secret can ride along. */
  readonly code: string;
  /** Failures in a row; the backoff doubles with each. */
  readonly count: number;
  /** No instance fetches from upstream before this (epoch ms). */
  readonly retryAt: number;
}

/** Forced refreshes spent on one budget day (see `budgetDay`). */
export interface ForcedRefreshes {
  /** `YYYY-MM-DD` of the budget day. */
  readonly day: string;
  readonly count: number;
  /** The last forced refresh (epoch ms). */
  readonly lastAt: number;
}

/** What a lease holder records beside the entry (written only while it holds the lease). */
export interface EntryNote {
  readonly failure?: RefreshFailure;
  readonly forced?: ForcedRefreshes;
}

/**
 * Where the shared copy lives. Every method must be safe when many processes call it at once;
 * `claim` is the one that must be atomic: exactly one caller wins a free or lapsed lease.
 * Times are passed in (`now`) so that every instance judges expiry by the caller's clock.
 */
export interface TokenStore {
  /** The entry of `key`, lease included (waiters need to know when it lapses). */
  read(key: string): Promise<StoreEntry | undefined>;
  /**
   * Takes the refresh lease of `key` until `until` if nobody holds a live one at `now`. A lease
   * ending later than `until` + LEASE_SKEW_MS is hostile or corrupt (no instance writes one) and
   * counts as lapsed.
   */
  claim(key: string, holder: string, until: number, now: number): Promise<boolean>;
  /**
   * Extends `holder`'s lease to `until` (the heartbeat) and writes `note` beside the entry, only
   * while `holder` still holds the lease; says whether it did.
   */
  renew(key: string, holder: string, until: number, now: number, note?: EntryNote): Promise<boolean>;
  /**
   * Stores a fresh token, clears the failure memory and, when `holder` still holds the lease,
   * gives it up in the same write (forced-refresh counts are kept).
   * A lease someone else took meanwhile (ours had lapsed) is left alone.
   */
  put(key: string, token: Token, holder: string, now: number): Promise<void>;
  /**
   * Gives up `holder`'s lease without storing a token (the refresh failed), writing `note` (the
   * failure) in the same write; nothing happens when `holder` no longer holds the lease.
   */
  release(key: string, holder: string, now: number, note?: EntryNote): Promise<void>;
  /**
   * Removes the entry of `key` if its token is missing or expired at `now` and nobody holds a
   * live lease; says whether it removed it. One key, no collection scan.
   */
  evict(key: string, now: number): Promise<boolean>;
  /** The same for every entry of the store; returns how many it removed. */
  evictExpired(now: number): Promise<number>;
}
