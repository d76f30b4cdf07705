import { TextDecoder } from 'node:util';
import { PushBodyTooLargeError, PushMalformedError, PushMediaTypeError } from './errors';

/** What the handler needs of an HTTP request; every framework has these four things. */
export interface PushHttpRequest {
  readonly method: string;
  /**
   * The parsed query string (Express `req.query`, Koa `ctx.query`, an object from
   * URLSearchParams). A parameter given twice (an array) or as an object is refused.
   */
  readonly query: Readonly<Record<string, unknown>>;
  /** The raw body, unparsed: WeChat's signature is over its fields as sent. */
  readonly body?: string | Uint8Array;
  /** The Content-Type header, if any. */
  readonly contentType?: string;
}

export type BodyFormat = 'xml' | 'json';

/** One query parameter as a string, or undefined when absent. */
export function queryParam(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (typeof query !== 'object' || query === null) throw new PushMalformedError('query is missing');
  if (!Object.prototype.hasOwnProperty.call(query, name)) return undefined;
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PushMalformedError(`query parameter ${name} must appear once, as text`);
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text: size-capped before anything else, strict UTF-8, not empty. */
export function bodyText(body: string | Uint8Array | undefined, maxBytes: number): string {
  if (body === undefined || body === null) throw new PushMalformedError('body is empty');
  let text: string;
  if (typeof body === 'string') {
    if (Buffer.byteLength(body, 'utf8') > maxBytes) throw new PushBodyTooLargeError(maxBytes);
    text = body;
  } else if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw new PushBodyTooLargeError(maxBytes);
    try {
      text = utf8.decode(body);
    } catch {
      throw new PushMalformedError('body is not UTF-8');
    }
  } else {
    throw new PushMalformedError('body must be the raw text of the request');
  }
  // The decoder drops a UTF-8 byte-order mark; a string body may still carry one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new PushMalformedError('body is empty');
  return text;
}

const XML_TYPES = new Set(['text/xml', 'application/xml']);
const JSON_TYPES = new Set(['application/json', 'text/json']);
/** Types that say nothing about the body; it is then recognised by its first character. */
const UNSPECIFIC_TYPES = new Set(['', 'text/plain', 'application/octet-stream']);

/** XML or JSON: from the Content-Type when it says, else from the body's first character. */
export function bodyFormat(contentType: string | undefined, text: string): BodyFormat {
  const media = typeof contentType === 'string' ? (contentType.split(';')[0] ?? '').trim().toLowerCase() : '';
  if (XML_TYPES.has(media)) return 'xml';
  if (JSON_TYPES.has(media)) return 'json';
  if (!UNSPECIFIC_TYPES.has(media)) throw new PushMediaTypeError(media);
  return sniffFormat(text);
}

export function sniffFormat(text: string): BodyFormat {
  const first = text.trimStart()[0];
  if (first === '<') return 'xml';
  if (first === '{') return 'json';
  throw new PushMalformedError('body is neither XML nor JSON');
}
