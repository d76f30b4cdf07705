import { WxhubError } from '@wxhub/core';

/** `get`/`invalidate` for a key no provider was configured for. */
export class UnknownTokenKeyError extends WxhubError {
  readonly code = 'UNKNOWN_TOKEN_KEY';
  readonly transient = false;
  constructor(readonly key: string) {
    super(`no token provider is configured for key ${key}`);
  }
}

/**
 * No usable token is stored and none could be had in time: another instance's refresh did not
 * finish within this caller's wait, or upstream failed recently and every instance is backing
 * off (`upstreamCode` then names the failure). Trying later can succeed.
 */
export class TokenUnavailableError extends WxhubError {
  readonly code = 'TOKEN_UNAVAILABLE';
  readonly transient = true;
  constructor(
    readonly key: string,
    reason: string,
    /** The code of the last upstream failure recorded in the store, if that is the cause. */
    readonly upstreamCode?: string,
  ) {
    super(`no token available for key ${key}: ${reason}`);
  }
}

/** The shared store failed (file system, cloud database). The message never carries a token. */
export class TokenStoreError extends WxhubError {
  readonly code = 'TOKEN_STORE';
  readonly transient: boolean;
  constructor(
    readonly operation: string,
    readonly key: string | undefined,
    reason: string,
    options: { cause?: unknown; transient?: boolean } = {},
  ) {
    super(`token store ${operation}${key === undefined ? '' : ` of key ${key}`} failed: ${reason}`, options);
    this.transient = options.transient ?? true;
  }
}

/**
 * The token was rejected upstream and a plain fetch hands back the same one, but the forced
 * refreshes this cache may spend are spent (per day) or the last one was too recent. Spending
 * more would end in WeChat's 45009 for every user of the appid for the rest of the day.
 */
export class ForceRefreshBudgetError extends WxhubError {
  readonly code = 'FORCE_REFRESH_BUDGET';
  readonly transient = false;
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`token of key ${key} was rejected and not force-refreshed: ${reason}`);
  }
}
