/**
 * Secrets must never reach a log line or an error message. These helpers keep enough of a
 * value to tell two apart in a log (first and last characters) and hide the rest.
 */

/** The query parameters and body fields that carry secrets in WeChat's and Baidu's APIs. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'secret',
  'appsecret',
  'access_token',
  'client_secret',
  'client_id',
  'refresh_token',
  'session_key',
  'session_secret',
  'code',
  'js_code',
  'token',
  'authorization',
  'encodingaeskey',
]);

export function mask(value: string): string {
  if (value.length <= 8) return '***';
  return `${value.slice(0, 3)}***${value.slice(-2)}`;
}

/** A URL fit for an error message: secret query parameters masked. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<unparseable url>';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_FIELDS.has(key.toLowerCase())) parsed.searchParams.set(key, mask(parsed.searchParams.get(key) ?? ''));
  }
  return `${parsed.origin}${parsed.pathname}${parsed.search}`.replace(/%2A/g, '*');
}

/** Replaces every occurrence of the given secrets in a text (for messages built from upstream text). */
export function scrub(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(mask(secret));
  }
  return out;
}
