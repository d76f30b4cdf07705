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
}

/**
 * Where the shared copy lives. Every method must be safe when many processes call it at once;
 * `claim` is the one that must be atomic: exactly one caller wins a free or lapsed lease.
 * Times are passed in (`now`) so that every instance judges expiry by the caller's clock.
 */
export interface TokenStore {
  /** The entry of `key`, lease included (waiters need to know when it lapses). */
  read(key: string): Promise<StoreEntry | undefined>;
  /** Takes the refresh lease of `key` until `until` if nobody holds a live one at `now`. */
  claim(key: string, holder: string, until: number, now: number): Promise<boolean>;
  /**
   * Stores a fresh token and, when `holder` still holds the lease, gives it up in the same write.
   * A lease someone else took meanwhile (ours had lapsed) is left alone.
   */
  put(key: string, token: Token, holder: string, now: number): Promise<void>;
  /** Gives up `holder`'s lease without storing anything (the refresh failed). */
  release(key: string, holder: string, now: number): Promise<void>;
  /**
   * Removes the entry of `key` if its token is missing or expired at `now` and nobody holds a
   * live lease; says whether it removed it. One key, no collection scan.
   */
  evict(key: string, now: number): Promise<boolean>;
  /** The same for every entry of the store; returns how many it removed. */
  evictExpired(now: number): Promise<number>;
}
