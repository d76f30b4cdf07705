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
      readonly reason: StaleReason;
    }
  /** This instance took the refresh lease; `lapsedHolder` names a holder whose lease ran out (crashed). */
  | { readonly type: 'claimed'; readonly key: string; readonly lapsedHolder?: string }
  /** A refresh failed recently (recorded in the store): no instance asks upstream before `retryAt`. */
  | { readonly type: 'backing-off'; readonly key: string; readonly code: string; readonly failures: number; readonly retryAt: number }
  /** A forced refresh was refused: the budget is spent or the last one was too recent. */
  | { readonly type: 'force-refused'; readonly key: string; readonly reason: string; readonly forcedToday: number }
  /** The stored record had malformed fields; they were ignored and the next write replaces them. */
  | { readonly type: 'corrupt-entry'; readonly key: string; readonly fields: readonly string[] }
  /** A caller reported a token rejected upstream. */
  | { readonly type: 'invalidated'; readonly key: string; readonly token: string }
  /** An expired entry was removed by its key. */
  | { readonly type: 'evicted'; readonly key: string }
  /** The periodic sweep ran. */
  | { readonly type: 'swept'; readonly removed: number }
  /** A store operation that does not decide the result failed (release, put after a fetch, sweep, evict). */
  | { readonly type: 'store-error'; readonly operation: string; readonly key?: string; readonly code: string; readonly message: string };

/**
 * Why a token inside the margin was served: the refresh failed, this caller's wait ran out,
 * another instance is refreshing, this instance's own refresh is slow, or upstream failed
 * recently and every instance is backing off.
 */
export type StaleReason = 'refresh-failed' | 'wait-timed-out' | 'refresh-in-progress' | 'refresh-slow' | 'backing-off';

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
