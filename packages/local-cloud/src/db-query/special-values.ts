import type { Ir } from './ir';
import { brief, type Located, type QuerySource } from './query-source';
import { serverDateMarker } from './server-date';
import type { QueryObject } from './types';

/**
 * The few constructors a query may call — `new Date(…)`, `new db.Geo.Point(…)`,
 * `db.serverDate(…)`, `db.RegExp(…)` and regex literals — read from their already-read
 * arguments into finished values, with the checks wx-server-sdk makes.
 */

/** JavaScript flags that mean the same in MongoDB; `g`/`y` would make a RegExp stateful. */
const REGEX_FLAGS = 'imsu';

export function checkArity(source: QuerySource, call: Located, args: readonly Ir[], min: number, max: number, what: string): void {
  if (args.length >= min && args.length <= max) return;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  const expected = min === max ? plural(min) : max === Infinity ? `at least ${plural(min)}` : `${min} to ${max} arguments`;
  throw source.invalid(call, `${what} takes ${expected}, not ${args.length}`);
}

export function regExpValue(source: QuerySource, at: Located, pattern: string, flags: string): RegExp {
  for (const [index, flag] of [...flags].entries()) {
    if (!REGEX_FLAGS.includes(flag) || flags.indexOf(flag) !== index) {
      throw source.invalid(at, `the regular expression flag '${flag}' is not supported (use i, m, s, u)`);
    }
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw source.invalid(at, `invalid regular expression: ${(error as Error).message}`);
  }
}

/** `new Date(ms | string)`. Without an argument it would be the client's clock: refused. */
export function dateValue(source: QuerySource, at: Located, args: readonly Ir[]): Date {
  if (args.length === 0) {
    throw source.invalid(at, "new Date() needs a time (milliseconds or a date string); use db.serverDate() for the server's time");
  }
  checkArity(source, at, args, 1, 1, 'new Date()');
  const [arg] = args;
  const value = arg?.kind === 'literal' ? arg.value : undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw source.invalid(at, 'new Date() takes a number or a string');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw source.invalid(at, 'new Date() was given an invalid time');
  return date;
}

/** `new db.Geo.Point(longitude, latitude)` as GeoJSON, what the SDK stores. */
export function geoPointValue(source: QuerySource, at: Located, args: readonly Ir[]): QueryObject {
  checkArity(source, at, args, 2, 2, 'new db.Geo.Point()');
  const coordinate = (arg: Ir | undefined, limit: number, what: string): number => {
    const value = arg?.kind === 'literal' ? arg.value : undefined;
    if (typeof value !== 'number' || Math.abs(value) > limit) {
      throw source.invalid(arg?.at ?? at, `the ${what} must be a number from -${limit} to ${limit}`);
    }
    return value;
  };
  return { type: 'Point', coordinates: [coordinate(args[0], 180, 'longitude'), coordinate(args[1], 90, 'latitude')] };
}

/** `db.serverDate()` / `db.serverDate({offset})` as the marker the executor resolves. */
export function serverDateValue(source: QuerySource, at: Located, args: readonly Ir[]): QueryObject {
  checkArity(source, at, args, 0, 1, 'db.serverDate()');
  const [options] = args;
  if (options === undefined) return serverDateMarker(0);
  const offset = literalFields(source, options, 'db.serverDate()', ['offset']).get('offset') ?? 0;
  if (typeof offset !== 'number' || !Number.isFinite(offset)) throw source.invalid(options.at, 'db.serverDate() needs a numeric offset');
  return serverDateMarker(offset);
}

/** `db.RegExp({regexp, options})`. */
export function dbRegExpValue(source: QuerySource, at: Located, args: readonly Ir[]): RegExp {
  checkArity(source, at, args, 1, 1, 'db.RegExp()');
  const [options] = args as [Ir];
  const fields = literalFields(source, options, 'db.RegExp()', ['regexp', 'options']);
  const pattern = fields.get('regexp');
  const flags = fields.get('options') ?? '';
  if (typeof pattern !== 'string' || pattern === '') throw source.invalid(options.at, 'db.RegExp() needs a non-empty regexp string');
  if (typeof flags !== 'string') throw source.invalid(options.at, 'db.RegExp() options must be a string');
  return regExpValue(source, at, pattern, flags);
}

/** An options object whose values are plain literals, with no keys but `allowed`. */
function literalFields(source: QuerySource, ir: Ir, what: string, allowed: readonly string[]): Map<string, unknown> {
  if (ir.kind !== 'object') throw source.invalid(ir.at, `${what} takes an object`);
  const fields = new Map<string, unknown>();
  for (const entry of ir.entries) {
    if (!allowed.includes(entry.key)) throw source.invalid(entry.keyAt, `${what} does not take '${brief(entry.key)}'`);
    if (entry.value.kind !== 'literal') throw source.invalid(entry.value.at, `${what} '${entry.key}' must be a literal`);
    fields.set(entry.key, entry.value.value);
  }
  return fields;
}
