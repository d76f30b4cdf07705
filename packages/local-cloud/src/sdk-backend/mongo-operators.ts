import Ajv from 'ajv-draft-04';
import { Context, evalExpr } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { $substrBytes } from 'mingo/operators/expression/string';
import { $elemMatch } from 'mingo/operators/query/array';
import type { Options } from 'mingo/types';
import { isPlainObject } from './documents';
import { GEO_QUERY_OPERATORS } from './geo';
import { groupStage } from './group-stage';
import { LINEAR_REGEX_EXPRESSION_OPERATORS, LINEAR_REGEX_QUERY_OPERATORS } from './linear-regex';

/**
 * Where mingo's operators answer differently from MongoDB (which WeChat's database runs), the
 * MongoDB behaviour, as mingo operators laid over its own (the context below is passed with every
 * query, update and aggregation). Each override names the MongoDB manual page it follows; the
 * conformance tests check each against the result that page documents.
 */

type ExpressionFn = (obj: unknown, expr: unknown, options: Options) => unknown;
type QueryFn = (selector: string, value: unknown, options: Options) => (obj: unknown) => boolean;

/**
 * $elemMatch (manual: "$elemMatch (query)"): a condition on fields (`{value: {$gt: 0}}`, or
 * `$and`/`$or`/`$nor` of such) matches only array elements that are documents; only a condition
 * of bare operators (`{$gt: 0}`) applies to plain values. mingo also matched numbers against
 * field conditions.
 */
const LOGICAL = new Set(['$and', '$or', '$nor']);
function conditionOnFields(condition: unknown): boolean {
  if (!isPlainObject(condition)) return false;
  return Object.entries(condition).some(
    ([key, clause]) => !key.startsWith('$') || key === '$expr' || (LOGICAL.has(key) && Array.isArray(clause) && clause.some(conditionOnFields)),
  );
}
const elemMatch: QueryFn = (selector, value, options) => {
  const onFields = conditionOnFields(value);
  const match = ($elemMatch as unknown as QueryFn)(selector, value, options);
  if (!onFields) return match;
  return (obj) => {
    // mingo resolves the path itself; hand it a copy of the document whose array keeps only documents.
    return match(withDocumentsOnly(obj, selector.split('.')));
  };
};

function withDocumentsOnly(obj: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return Array.isArray(obj) ? obj.filter((item) => isPlainObject(item)) : obj;
  if (Array.isArray(obj)) return obj.map((item) => withDocumentsOnly(item, path));
  if (!isPlainObject(obj)) return obj;
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in obj)) return obj;
  return { ...obj, [head]: withDocumentsOnly(obj[head], rest) };
}

/**
 * $substrBytes / $substr (manual: "$substrBytes (aggregation)", "$substr"): "If <byte count> is
 * negative, $substrBytes returns a substring that starts at the specified index and includes the
 * rest of the string." mingo refuses a negative count.
 */
const substrBytes: ExpressionFn = (obj, expr, options) => {
  if (Array.isArray(expr) && expr.length === 3) {
    const [s, index, count] = evalExpr(obj, expr, options) as [unknown, unknown, unknown];
    if (typeof s === 'string' && typeof count === 'number' && count < 0 && typeof index === 'number' && index >= 0) {
      const rest = Math.max(0, Buffer.byteLength(s, 'utf8') - index);
      return ($substrBytes as unknown as ExpressionFn)(obj, [{ $literal: s }, index, rest], options);
    }
  }
  return ($substrBytes as unknown as ExpressionFn)(obj, expr, options);
};

/**
 * $indexOfCP (manual: "$indexOfCP (aggregation)"): the code-point index of the first occurrence
 * of a substring, -1 when absent; null when the string is null or missing; optional start and end
 * (code points, end exclusive). mingo does not have it.
 */
const indexOfCP: ExpressionFn = (obj, expr, options) => {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 4) throw new Error('$indexOfCP needs [string, substring, start?, end?]');
  const [s, sub, start, end] = evalExpr(obj, expr, options) as [unknown, unknown, unknown, unknown];
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string') throw new Error('$indexOfCP requires a string as the first argument');
  if (typeof sub !== 'string') throw new Error('$indexOfCP requires a string as the second argument');
  const bound = (value: unknown, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`$indexOfCP ${name} must be a non-negative integer`);
    return value;
  };
  const points = Array.from(s);
  const from = bound(start, 'starting index', 0);
  const to = Math.min(bound(end, 'ending index', points.length), points.length);
  const needle = Array.from(sub);
  for (let i = from; i + needle.length <= to; i += 1) {
    if (needle.every((point, j) => points[i + j] === point)) return i;
  }
  return -1;
};

/**
 * $week (manual: "$week (aggregation)"): "Weeks begin on Sundays, and week 1 begins with the first
 * Sunday of the year. Days preceding the first Sunday of the year are in week 0." Built on mingo's
 * own $dayOfYear and $dayOfWeek (so `{date, timezone}` works the same); mingo's $week is the ISO week.
 */
const week: ExpressionFn = (obj, expr, options) => {
  const dayOfYear = evalExpr(obj, { $dayOfYear: expr }, options);
  const dayOfWeek = evalExpr(obj, { $dayOfWeek: expr }, options);
  if (typeof dayOfYear !== 'number' || typeof dayOfWeek !== 'number') return null;
  return Math.floor((dayOfYear - dayOfWeek + 7) / 7);
};

/**
 * One-argument operators (manual: "Expression Operators": "if the operator accepts a single
 * argument, you can omit the outer array"; so `{$size: [[1, 2, 3]]}` is `{$size: [1, 2, 3]}`'s
 * array). mingo took the outer array as the argument for these.
 */
function singleArgument(operator: unknown): ExpressionFn {
  const run = operator as ExpressionFn;
  return (obj, expr, options) => run(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options);
}

/** $trunc (manual: "$trunc"): `{$trunc: <number>}` and `{$trunc: [<number>, <place>]}`; mingo took only the second form. */
const trunc: ExpressionFn = (obj, expr, options) =>
  (expressionOperators.$trunc as unknown as ExpressionFn)(obj, Array.isArray(expr) ? (expr.length === 1 ? [expr[0], 0] : expr) : [expr, 0], options);

/**
 * $jsonSchema (manual: "$jsonSchema"): MongoDB validates against JSON Schema draft 4 with its
 * `bsonType` keyword, and omits `$ref`, `$schema`, `default`, `definitions`, `format`, `id`.
 * Ajv (draft 04) does the validating; `bsonType` is added below by the types WeChat's database stores.
 */
const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: true });
const BSON_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  double: (v) => typeof v === 'number',
  int: (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 31,
  long: (v) => typeof v === 'number' && Number.isInteger(v),
  decimal: (v) => typeof v === 'number',
  number: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  object: (v) => isPlainObject(v),
  array: (v) => Array.isArray(v),
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  objectId: (v) => typeof v === 'object' && v !== null && (v as { _bsontype?: unknown })._bsontype === 'ObjectId',
};
ajv.addKeyword({
  keyword: 'bsonType',
  schemaType: ['string', 'array'],
  validate: (schema: string | string[], data: unknown) => (Array.isArray(schema) ? schema : [schema]).some((name) => BSON_TYPES[name]?.(data) === true),
});
const validators = new Map<string, (value: unknown) => boolean>();

/** mingo's hook for $jsonSchema: a compiled validator per schema (cached by its JSON text). */
export function jsonSchemaValidator(schema: object): (value: unknown) => boolean {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const compiled = ajv.compile(schema);
    validate = (value: unknown) => compiled(value) === true;
    if (validators.size > 256) validators.clear();
    validators.set(key, validate);
  }
  return validate;
}

/**
 * All of mingo's operators with the ones above laid over them, for mingo's base classes
 * (mingo/query, mingo/aggregator, mingo/updater): the package's default entry merges a caller's
 * context UNDER its own operators, so an override given there would never be used.
 */
export const MONGO_CONTEXT: Context = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: {
    ...expressionOperators,
    $substrBytes: substrBytes,
    $substr: substrBytes,
    $indexOfCP: indexOfCP,
    $week: week,
    $trunc: trunc,
    $size: singleArgument(expressionOperators.$size),
    $reverseArray: singleArgument(expressionOperators.$reverseArray),
    $arrayToObject: singleArgument(expressionOperators.$arrayToObject),
    ...LINEAR_REGEX_EXPRESSION_OPERATORS,
  } as never,
  pipeline: { ...pipelineOperators, $group: groupStage } as never,
  projection: { ...projectionOperators },
  query: { ...queryOperators, $elemMatch: elemMatch, ...GEO_QUERY_OPERATORS, ...LINEAR_REGEX_QUERY_OPERATORS } as never,
  window: { ...windowOperators },
});
