import { mask, scrub, WxhubError } from '@wxhub/core';

/**
 * What the cache reports through `onEvent`. Token values appear only masked (`mask`), error
 * messages are scrubbed of every token value the cache knows, so a hook can log events as they are.
 */
export type TokenCacheEvent =
  /** A fresh token came from upstream and was stored. */
  | {
      readonly type: 'fetched';
      readonly key: string;
      readonly provider: string;
      readonly token: string;
      readonly expiresAt: number;
      readonly forceRefresh: boolean;
    }
  /** Another instance had already stored a fresh token. */
  | { readonly type: 'store-hit'; readonly key: string; readonly token: string; readonly expiresAt: number }
  /** Another instance holds the refresh lease; this one polls the store. */
  | { readonly type: 'waiting'; readonly key: string; readonly holder: string; readonly leaseUntil: number }
  /** An upstream fetch (after its retries) or a store operation of a refresh failed. */
  | { readonly type: 'refresh-failed'; readonly key: string; readonly code: string; readonly transient: boolean; readonly message: string }
  /** A token inside the margin but not yet expired was served because no fresh one could be had. */
  | {
      readonly type: 'stale-served';
      readonly key: string;
      readonly token: string;
      readonly expiresAt: number;
      readonly reason: 'refresh-failed' | 'wait-timed-out';
    }
  /** A caller reported a token rejected upstream. */
  | { readonly type: 'invalidated'; readonly key: string; readonly token: string }
  /** An expired entry was removed by its key. */
  | { readonly type: 'evicted'; readonly key: string }
  /** The periodic sweep ran. */
  | { readonly type: 'swept'; readonly removed: number }
  /** A store operation that does not decide the result failed (release, put after a fetch, sweep, evict). */
  | { readonly type: 'store-error'; readonly operation: string; readonly key?: string; readonly code: string; readonly message: string };

export type TokenCacheEventHandler = (event: TokenCacheEvent) => void;

export function maskToken(value: string): string {
  return mask(value);
}

/** An error as a code and a message fit for a log line. */
export function describeError(error: unknown, secrets: Iterable<string | undefined>): { code: string; transient: boolean; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: error instanceof WxhubError ? error.code : 'UNEXPECTED',
    transient: error instanceof WxhubError ? error.transient : false,
    message: scrub(message, secrets),
  };
}
