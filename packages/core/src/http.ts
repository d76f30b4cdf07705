import type { Dispatcher } from 'undici';
import { NetworkError, ProtocolError, TimeoutError } from './errors';
import { redactUrl } from './mask';

/**
 * undici, loaded by the first request: requiring it costs about 90 ms, which every importer of
 * @wxhub/core would otherwise pay at start-up (a CLI answering --help makes no request).
 */
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('undici') as typeof import('undici');
}

export type QueryValue = string | number | boolean | undefined;

export interface JsonRequest {
  method?: 'GET' | 'POST';
  /** Appended to the URL's query string; undefined values are left out. */
  query?: Record<string, QueryValue>;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as an application/x-www-form-urlencoded body. */
  form?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** An undici dispatcher (connection pool, proxy, mock agent); the global one by default. */
  dispatcher?: Dispatcher;
}

export interface JsonResponse {
  status: number;
  /** The parsed JSON body. */
  body: unknown;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function buildUrl(base: string, path: string, query: Record<string, QueryValue> = {}): URL {
  const url = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/**
 * One JSON request with a deadline. Transport failures become NetworkError/TimeoutError whose
 * messages carry the URL with its secret parameters masked; the caller interprets the status
 * and the body, since WeChat answers its errors with HTTP 200.
 */
export async function requestJson(url: URL, init: JsonRequest = {}): Promise<JsonResponse> {
  for (const [key, value] of Object.entries(init.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const target = redactUrl(url);
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] = 'application/json';
  } else if (init.form) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(init.form)) if (value !== undefined) form.set(key, String(value));
    body = form.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await undici().request(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: controller.signal,
      dispatcher: init.dispatcher,
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: parseJson(text, target, response.statusCode) };
  } catch (error) {
    if (controller.signal.aborted) throw new TimeoutError(target, timeoutMs);
    if (error instanceof ProtocolError) throw error;
    if (error instanceof undici().errors.UndiciError || isSystemError(error)) {
      throw new NetworkError(target, describe(error), { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string, target: string, status: number): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A 5xx from a gateway is often HTML; keep the status so the caller can call it transient.
    if (status >= 400) return { __nonJson: true, status };
    throw new ProtocolError(target, `not JSON (HTTP ${status}, ${text.length} bytes)`);
  }
}

// By shape, not instanceof: errors from another realm (a vm context, jest's module registry)
// are not instances of this realm's Error.
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function describe(error: unknown): string {
  if (isSystemError(error) && error.code) return error.code;
  return typeof (error as Error | undefined)?.message === 'string' ? (error as Error).message : String(error);
}
