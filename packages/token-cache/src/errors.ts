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
 * Another instance held the refresh lease for longer than this instance would wait, and when
 * the lease lapsed someone else claimed it again. Trying later can succeed.
 */
export class TokenUnavailableError extends WxhubError {
  readonly code = 'TOKEN_UNAVAILABLE';
  readonly transient = true;
  constructor(
    readonly key: string,
    reason: string,
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
