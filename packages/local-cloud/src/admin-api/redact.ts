import { mask, scrub, SECRET_FIELDS } from '@wxhub/core';
import { isPlainObject } from '../sdk-backend/documents';

/**
 * Field names whose values are masked in admin answers. SECRET_FIELDS minus `code`, which in
 * stored documents is far more often a status or product code than a login code.
 */
const MASKED_FIELDS: ReadonlySet<string> = new Set([...SECRET_FIELDS].filter((field) => field !== 'code'));

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
    out[key] = MASKED_FIELDS.has(key.toLowerCase()) && item !== null && item !== undefined ? mask(String(item)) : redact(item, secrets);
  }
  return out;
}
