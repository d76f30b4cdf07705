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

/**
 * Where the shared copy lives. Every method must be safe when many processes call it at once;
 * `claim` is the one that must be atomic: exactly one caller wins a free or lapsed lease.
 */
export interface TokenStore {
  read(key: string): Promise<Token | undefined>;
  /** Takes the refresh lease of `key` until `until` if nobody holds a live one at `now`. */
  claim(key: string, holder: string, until: number, now: number): Promise<boolean>;
  /** Stores a fresh token and gives up `holder`'s lease in one write. */
  put(key: string, token: Token, holder: string): Promise<void>;
  /** Gives up `holder`'s lease without storing anything (the refresh failed). */
  release(key: string, holder: string): Promise<void>;
  /** Removes entries whose token expired before `before` and whose lease has lapsed; returns how many. */
  evictExpired(before: number): Promise<number>;
}
