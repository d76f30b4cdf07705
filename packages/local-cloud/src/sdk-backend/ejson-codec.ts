import { BSONRegExp, Double, EJSON, Int32, Long } from 'bson';
import { invalidParam } from './backend-error';
import { isPlainObject, type PlainObject } from './documents';
import { SERVER_DATE_KEY } from '@wxhub/db-query-language';

/**
 * The SDK sends query, data, order, projection and stage values as canonical EJSON strings and
 * decodes `list` entries with `EJSON.parse`. Inside the backend values are plain JS (numbers,
 * Dates, RegExps) because that is what mingo compares.
 */

/** BSON regex options JavaScript can honour; `x` (extended) and `l` (locale) it cannot. */
const JS_REGEX_FLAGS: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's', u: 'u' };

/**
 * Parses one EJSON field of a request. `now` replaces `{$tcb_server_date: {offset}}` (what
 * `db.serverDate()` sends) with the backend's time, so the injected clock decides it.
 */
export function decodeEjson(text: unknown, field: string, now: number): unknown {
  if (typeof text !== 'string') throw invalidParam(`${field} must be an EJSON string`);
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: false });
  } catch (error) {
    throw invalidParam(`${field} is not valid EJSON: ${(error as Error).message}`);
  }
  return fromWire(parsed, field, now);
}

export function decodeEjsonObject(text: unknown, field: string, now: number): PlainObject {
  const value = decodeEjson(text, field, now);
  if (!isPlainObject(value)) throw invalidParam(`${field} must be an EJSON object`);
  return value;
}

export function encodeEjson(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}

function fromWire(value: unknown, field: string, now: number): unknown {
  if (Array.isArray(value)) return value.map((item) => fromWire(item, field, now));
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const asNumber = value.toNumber();
    return Number.isSafeInteger(asNumber) ? asNumber : value;
  }
  if (value instanceof BSONRegExp) return toRegExp(value, field);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === SERVER_DATE_KEY) return serverDate(value[SERVER_DATE_KEY], field, now);
    const out: PlainObject = {};
    for (const key of keys) out[key] = fromWire(value[key], field, now);
    return out;
  }
  return value;
}

function serverDate(spec: unknown, field: string, now: number): Date {
  const offset = isPlainObject(spec) ? fromWire(spec.offset ?? 0, field, now) : undefined;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) {
    throw invalidParam(`${field}: ${SERVER_DATE_KEY} needs a numeric offset`);
  }
  return new Date(now + offset);
}

function toRegExp(value: BSONRegExp, field: string): RegExp {
  let flags = '';
  for (const option of value.options) {
    const flag = JS_REGEX_FLAGS[option];
    if (!flag) throw invalidParam(`${field}: regular expression option '${option}' is not supported by the local cloud`);
    flags += flag;
  }
  try {
    return new RegExp(value.pattern, flags);
  } catch (error) {
    throw invalidParam(`${field}: invalid regular expression: ${(error as Error).message}`);
  }
}
