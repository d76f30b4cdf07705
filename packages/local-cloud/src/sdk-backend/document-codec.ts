import { BSONRegExp, Double, EJSON, Int32, Long } from 'bson';
import { SERVER_DATE_KEY } from '@wxhub/db-query-language';
import { invalidParam } from './backend-error';
import { isPlainObject, type PlainObject } from './documents';

/**
 * The local cloud's one document codec: how document values (plain JS, what mingo compares)
 * cross each boundary, with one set of rules for what JavaScript can hold.
 * - the SDK's wire (decodeEjson / encodeEjson): canonical EJSON strings, as @cloudbase/node-sdk
 *   sends query, data, order, projection and stage values and decodes `list` entries;
 * - storage and seed files (toEjsonTree / fromEjsonTree): Extended JSON v2 trees that keep every
 *   number's type;
 * - the HTTP API's `data` strings (toWireJson / wireString): plain JSON with `$date` and `$regex`.
 */

/** BSON regex options JavaScript can honour; `x` (extended) and `l` (locale) it cannot. */
const JS_REGEX_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's', 'u']);

/** A BSON regular expression as a RegExp, or why not (an option JavaScript lacks, a bad pattern). */
function regExpOf(pattern: string, options: string, fail: (reason: string) => Error): RegExp {
  const refused = [...options].filter((option) => !JS_REGEX_FLAGS.has(option));
  if (refused.length > 0) throw fail(`unsupported regular expression option '${refused.join('')}' (only i, m, s, u)`);
  try {
    return new RegExp(pattern, options);
  } catch (error) {
    throw fail(`invalid regular expression: ${(error as Error).message}`);
  }
}

/** A Long read from a request or a seed: a number when that is exact, else it stays a Long. */
function numberIfSafe(value: Long): number | Long {
  const asNumber = value.toNumber();
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/* ---- The SDK's wire ---- */

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

/**
 * Canonical EJSON text, exactly as bson's `EJSON.stringify(value, {relaxed: false})` writes it
 * (test/document-codec.test.ts checks that on generated documents). Written out here because
 * every reply document and every stored-document comparison goes through it, and bson first
 * builds a whole wrapper tree with class checks per value (about 7 µs for a five-field document);
 * anything but plain data (bson values, RegExps) is still written by bson.
 */
export function encodeEjson(value: unknown): string {
  return canonicalText(value);
}

const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63 - 1;

function canonicalText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return canonicalNumber(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalText(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return `{"$date":{"$numberLong":"${value.getTime()}"}}`;
  if (isPlainObject(value)) {
    let out = '{';
    let first = true;
    for (const key of Object.keys(value)) {
      out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalText(value[key])}`;
      first = false;
    }
    return `${out}}`;
  }
  return EJSON.stringify(value, { relaxed: false });
}

function canonicalNumber(value: number): string {
  if (Number.isInteger(value) && !Object.is(value, -0)) {
    if (value >= INT32_MIN && value <= INT32_MAX) return `{"$numberInt":"${value}"}`;
    if (value >= INT64_MIN && value <= INT64_MAX) return `{"$numberLong":"${value}"}`;
  }
  return `{"$numberDouble":"${Object.is(value, -0) ? '-0.0' : String(value)}"}`;
}

function fromWire(value: unknown, field: string, now: number): unknown {
  if (Array.isArray(value)) return value.map((item) => fromWire(item, field, now));
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return numberIfSafe(value);
  if (value instanceof BSONRegExp) return regExpOf(value.pattern, value.options, (reason) => invalidParam(`${field}: ${reason}`));
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

/* ---- Storage and seed files ---- */

/**
 * Document values ⇄ JSON trees in MongoDB Extended JSON (v2). Written by hand around bson's
 * EJSON because bson's own stringify loses what the database keeps apart: it writes an integer
 * number beyond int32 as `$numberLong` (it would come back as a Long), and its relaxed form
 * writes -0 as 0 and a Long as a plain number. Here a number always comes back a number and a
 * Long always a Long.
 *
 * What a document may hold is what the backend stores: null, booleans, strings, numbers (-0,
 * NaN and ±Infinity included), Dates, RegExps, arrays, plain objects and bson values (Long,
 * ObjectId, Decimal128, Binary...). Anything else is refused rather than silently changed.
 */

/** `canonical` keeps every number's type (storage); `relaxed` is the readable form for seed files. */
export type EjsonForm = 'canonical' | 'relaxed';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function toEjsonTree(value: unknown, form: EjsonForm, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return numberTree(value, form);
  if (Array.isArray(value)) {
    // As in JSON and on the SDK's wire, a hole or `undefined` in an array is stored as null.
    return Array.from(value, (item: unknown, i) => (item === undefined ? null : toEjsonTree(item, form, `${path}[${i}]`)));
  }
  if (isPlainObject(value)) {
    const tree: PlainObject = {};
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined) continue;
      const here = path ? `${path}.${key}` : key;
      // Extended JSON spells types as `$` keys, so such a field would be read back as a type.
      if (key.startsWith('$')) throw unstorable(here, `its name starts with '$'`);
      tree[key] = toEjsonTree(field, form, here);
    }
    return tree;
  }
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw unstorable(path, 'it is an invalid Date');
    return EJSON.serialize(value, { relaxed: form === 'relaxed' });
  }
  if (value instanceof RegExp) return regexTree(value, path);
  if (value instanceof Long) return { $numberLong: value.toString() };
  if (isBsonValue(value)) {
    try {
      return EJSON.serialize(value, { relaxed: false });
    } catch (error) {
      throw unstorable(path, (error as Error).message);
    }
  }
  throw unstorable(path, `it holds ${describeKind(value)}`);
}

export interface DecodeOptions {
  /**
   * `keep`: a `$numberLong` stays a Long (storage, where only real Longs are written so).
   * `number-if-safe`: it becomes a number when that is exact, as request values do (seed files).
   */
  readonly longs: 'keep' | 'number-if-safe';
}

/** Turns a tree from `JSON.parse` into document values; refuses anything it cannot read exactly. */
export function fromEjsonTree(tree: unknown, options: DecodeOptions, path: string): unknown {
  if (tree === null || typeof tree === 'string' || typeof tree === 'boolean' || typeof tree === 'number') return tree;
  if (Array.isArray(tree)) return tree.map((item: unknown, i) => fromEjsonTree(item, options, `${path}[${i}]`));
  if (!isPlainObject(tree)) throw unreadable(path, `unexpected ${describeKind(tree)}`);
  const keys = Object.keys(tree);
  if (keys.length > 0 && keys.every((key) => key.startsWith('$'))) return typedValue(tree, options, path);
  const out: PlainObject = {};
  for (const key of keys) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) throw unreadable(here, `field names must not start with '$'`);
    out[key] = fromEjsonTree(tree[key], options, here);
  }
  return out;
}

function typedValue(wrapper: PlainObject, options: DecodeOptions, path: string): unknown {
  // bson reads these two leniently ("nope" as 0, "1.5" as 1); a seed file deserves an error.
  if (typeof wrapper.$numberInt === 'string' || typeof wrapper.$numberDouble === 'string') return strictNumber(wrapper, path);
  let value: unknown;
  try {
    value = EJSON.deserialize(wrapper, { relaxed: false });
  } catch (error) {
    throw unreadable(path, (error as Error).message);
  }
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return options.longs === 'keep' ? value : numberIfSafe(value);
  if (value instanceof BSONRegExp) return regExpOf(value.pattern, value.options, (reason) => unreadable(path, reason));
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) throw unreadable(path, 'invalid $date');
    return value;
  }
  if (isBsonValue(value)) return value;
  throw unreadable(path, `unknown Extended JSON type ${Object.keys(wrapper).join(', ')}`);
}

const INT32_TEXT = /^-?\d{1,10}$/;
const DOUBLE_TEXT = /^(-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|-?Infinity)$/;

function strictNumber(wrapper: PlainObject, path: string): number {
  const keys = Object.keys(wrapper);
  const [key] = keys;
  const text = key === undefined ? undefined : wrapper[key];
  if (keys.length === 1 && typeof text === 'string') {
    if (key === '$numberInt' && INT32_TEXT.test(text)) {
      // "-0" is an int: 0, not the double -0.
      const value = Number(text) + 0;
      if (value >= INT32_MIN && value <= INT32_MAX) return value;
    }
    if (key === '$numberDouble' && DOUBLE_TEXT.test(text)) return Number(text);
  }
  throw unreadable(path, `invalid number ${JSON.stringify(wrapper)}`);
}

function numberTree(value: number, form: EjsonForm): unknown {
  const isInt32 = Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0);
  if (form === 'relaxed') {
    return Number.isFinite(value) && !Object.is(value, -0) ? value : EJSON.serialize(new Double(value), { relaxed: false });
  }
  return isInt32 ? { $numberInt: String(value) } : EJSON.serialize(new Double(value), { relaxed: false });
}

function regexTree(value: RegExp, path: string): unknown {
  const flags = [...value.flags];
  const refused = flags.filter((flag) => !JS_REGEX_FLAGS.has(flag));
  if (refused.length > 0) throw unstorable(path, `regular expression flag(s) '${refused.join('')}' cannot be stored (only i, m, s, u)`);
  return { $regularExpression: { pattern: value.source, options: flags.sort().join('') } };
}

/** bson's own value classes (ObjectId, Decimal128, Binary, Timestamp...) name themselves so. */
function isBsonValue(value: unknown): value is { readonly _bsontype: string } {
  return typeof value === 'object' && value !== null && typeof (value as { _bsontype?: unknown })._bsontype === 'string';
}

function describeKind(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? `a ${name}` : 'an object with a custom prototype';
}

function unstorable(path: string, reason: string): Error {
  return invalidParam(`field ${path || '(document)'} cannot be stored: ${reason}`);
}

function unreadable(path: string, reason: string): Error {
  return invalidParam(`field ${path || '(document)'} is not valid Extended JSON: ${reason}`);
}

/* ---- The HTTP API's data strings ---- */

/**
 * A stored document as the HTTP API's `data` strings carry it: plain JSON, with the values JSON
 * has no type for in MongoDB's extended-JSON wrappers — a Date as `{"$date": <epoch ms>}` (the
 * form CloudBase's console and exports show; WeChat's documented examples carry no date), a
 * RegExp as `{"$regex", "$options"}`, a non-finite number or another BSON value in relaxed
 * EJSON. `JSON.stringify` alone would turn a Date into a bare string and lose its type.
 */
export function toWireJson(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (value instanceof RegExp) return { $regex: value.source, $options: value.flags };
  if (Array.isArray(value)) return value.map(toWireJson);
  if (typeof value === 'number') return Number.isFinite(value) ? value : EJSON.serialize({ v: value }, { relaxed: true }).v;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = toWireJson(field);
    return out;
  }
  if (typeof value === 'object' && value !== null && '_bsontype' in value) return EJSON.serialize({ v: value }, { relaxed: true }).v;
  return value;
}

/** One `data` entry: the document as a JSON string. */
export function wireString(document: unknown): string {
  return JSON.stringify(toWireJson(document));
}

/**
 * Whether two document values have the same canonical EJSON text (`encodeEjson(a) ===
 * encodeEjson(b)`) without writing either: how an update that changed nothing is told apart
 * (MongoDB does not count it as modified). Key order counts, as it does in the text; bson writes
 * `undefined` as null; values other than plain data are compared by their text.
 */
export function sameStoredValue(a: unknown, b: unknown): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (left === null || right === null) return left === right;
  if (typeof left === 'number' || typeof right === 'number') return Object.is(left, right);
  if (typeof left !== 'object' || typeof right !== 'object') return left === right;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!sameStoredValue(left[i], right[i])) return false;
    return true;
  }
  if (left instanceof Date && right instanceof Date) return Object.is(left.getTime(), right.getTime());
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    const otherKeys = Object.keys(right);
    if (keys.length !== otherKeys.length) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key !== otherKeys[i] || !sameStoredValue(left[key], right[key])) return false;
    }
    return true;
  }
  return encodeEjson(left) === encodeEjson(right);
}
