import { timingSafeEqual } from 'node:crypto';
import { TextDecoder } from 'node:util';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Node's base64 decoder skips characters it does not know and ignores missing padding, so
 * 'ab!c' and 'abc' decode alike. Untrusted input is checked against the alphabet and must be
 * the canonical encoding of its bytes; anything else is `undefined`.
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `undefined` when the bytes are not well-formed UTF-8 (Buffer#toString would substitute U+FFFD). */
export function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Equality that takes the same time wherever the strings first differ. A length difference
 * still returns early, which reveals only the length of the expected value (a hex digest:
 * public knowledge).
 */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
