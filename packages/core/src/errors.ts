/**
 * The root of every error wxhub throws on purpose. `code` is a stable string a caller can
 * switch on; `transient` says whether trying again later can succeed (network trouble, a busy
 * upstream), which is what the retry loop and the token cache decide on.
 */
export abstract class WxhubError extends Error {
  abstract readonly code: string;
  abstract readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
    this.name = new.target.name;
  }
}

/** The request never got an answer: refused, reset, DNS failure. */
export class NetworkError extends WxhubError {
  readonly code = 'NETWORK';
  readonly transient = true;
  constructor(
    readonly target: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`network error calling ${target}: ${reason}`, options);
  }
}

/** No answer within the time allowed. */
export class TimeoutError extends WxhubError {
  readonly code = 'TIMEOUT';
  readonly transient = true;
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms calling ${target}`);
  }
}

/** An HTTP status that is not a success, from an upstream that does not speak in errcodes. */
export class HttpStatusError extends WxhubError {
  readonly code = 'HTTP_STATUS';
  readonly transient: boolean;
  constructor(
    readonly target: string,
    readonly status: number,
    detail = '',
  ) {
    super(`${target} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
    this.transient = status >= 500 || status === 429 || status === 408;
  }
}

/** The upstream answered something that is not the documented shape (not JSON, fields missing). */
export class ProtocolError extends WxhubError {
  readonly code = 'PROTOCOL';
  readonly transient = false;
  constructor(
    readonly target: string,
    detail: string,
  ) {
    super(`${target} answered an unexpected body: ${detail}`);
  }
}

/** Bad input from our own caller: which field, and why. */
export class InvalidArgumentError extends WxhubError {
  readonly code = 'INVALID_ARGUMENT';
  readonly transient = false;
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason}`);
  }
}

/** Configuration that is missing or malformed; names the variable, never its value. */
export class ConfigError extends WxhubError {
  readonly code = 'CONFIG';
  readonly transient = false;
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`configuration ${setting}: ${reason}`);
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof WxhubError && error.transient;
}
