import { mask, scrub, SECRET_FIELDS } from '@wxhub/core';
import { isPlainObject } from '../sdk-backend/documents';

/**
 * Field names whose values are masked in admin answers. SECRET_FIELDS minus `code`, which in
 * stored documents is far more often a status or product code than a login code.
 */
const MASKED_FIELDS: ReadonlySet<string> = new Set([...SECRET_FIELDS].filter((field) => field !== 'code'));

/**
 * Field names that hold a secret by their wording (`baidu_token`, `stableToken`, `api_secret`,
 * `password`): masked when their value is a string (the token counters are numbers and stay).
 */
const SECRET_WORDING = /token|secret|password|passwd|session_key/i;

/**
 * Collections whose `value` field is a secret: `setconfig` holds the Baidu access token that
 * refresh_tokens keeps fresh (its name is configurable: SETCONFIG_COLLECTION).
 */
export const SECRET_VALUE_COLLECTIONS: readonly string[] = ['setconfig'];

/**
 * `documents` of a collection with their secret `value`s masked; the admin API's guard then
 * applies redact() to the whole answer, as to every answer.
 */
export function maskSecretValues(collection: string, documents: readonly unknown[], secretValueCollections = SECRET_VALUE_COLLECTIONS): unknown[] {
  if (!secretValueCollections.includes(collection)) return [...documents];
  return documents.map((document) => {
    if (!isPlainObject(document) || document.value === undefined || document.value === null) return document;
    return { ...document, value: mask(typeof document.value === 'string' ? document.value : JSON.stringify(document.value)) };
  });
}

/**
 * A copy of `value` fit for an admin answer: every known secret (the apps' secrets, Baidu's
 * client secrets) scrubbed out of strings, and the values of secret-named fields (access_token,
 * secret, ...) masked wherever they appear. Dates and other non-plain values pass through.
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secretField = (MASKED_FIELDS.has(key.toLowerCase()) && item !== null && item !== undefined) || (typeof item === 'string' && SECRET_WORDING.test(key));
    out[key] = secretField ? mask(String(item)) : redact(item, secrets);
  }
  return out;
}
