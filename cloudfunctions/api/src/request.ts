import { ErrorCode, ReplyError } from '@wxhub/function-kit';

/** What a page sends: `wx.cloud.callFunction({name: 'api', data: {func, data}})`. */
export interface ForwardRequest {
  readonly func: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/**
 * Checks a page's request before anything goes upstream: a function name on the allow-list
 * and a plain-object payload within the size bound.
 */
export function parseForwardRequest(event: unknown, allowed: ReadonlySet<string>, maxBytes: number): ForwardRequest {
  if (typeof event !== 'object' || event === null) throw invalid('the request must be an object {func, data}');
  const { func, data = {} } = event as { func?: unknown; data?: unknown };
  if (typeof func !== 'string' || !FUNCTION_NAME.test(func)) throw invalid('func must be a cloud function name');
  if (!allowed.has(func)) throw new ReplyError(ErrorCode.NOT_ALLOWED, `function ${func} is not allowed through api`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('data must be an object');
  const size = Buffer.byteLength(JSON.stringify(data), 'utf8');
  if (size > maxBytes) throw new ReplyError(ErrorCode.TOO_LARGE, `data is ${size} bytes; at most ${maxBytes} are accepted`);
  return { func, data: data as Record<string, unknown> };
}

function invalid(reason: string): ReplyError {
  return new ReplyError(ErrorCode.INVALID_INPUT, `invalid request: ${reason}`);
}
