import { InvalidArgumentError } from '@wxhub/core';
import { enter, keyLiteral, numberLiteral, stringLiteral } from './literals';

/**
 * Where a value sits decides what it may hold, exactly as the parser decides it:
 * - `data`: documents and command arguments — literals, arrays, objects, Dates, RegExps,
 *   server dates, points;
 * - `operand`: data in which query commands may appear without a field (`_.elemMatch`, `_.pull`,
 *   `$`-operator objects and arrays inside a filter);
 * - `filter`: a field's condition in `where`/`match` — also query and logic commands;
 * - `update`: a field's value in `update()` data — also update commands;
 * - `aggregate`: aggregation expressions (`$.sum(1)`); `stage` also allows `$.pipeline()`.
 */
export type Mode = 'data' | 'operand' | 'filter' | 'update' | 'aggregate' | 'stage';

export type Role = 'leaf' | 'query' | 'logic' | 'update' | 'aggregate' | 'pipeline' | 'expr' | 'projection';

const ALLOWED: Readonly<Record<Mode, ReadonlySet<Role>>> = {
  data: new Set(['leaf']),
  operand: new Set(['leaf', 'query']),
  filter: new Set(['leaf', 'query', 'logic']),
  update: new Set(['leaf', 'update']),
  aggregate: new Set(['leaf', 'aggregate']),
  stage: new Set(['leaf', 'aggregate', 'pipeline']),
};

const MODE_NAMES: Readonly<Record<Mode, string>> = {
  data: 'plain data',
  operand: 'this position (only data and query commands are allowed)',
  filter: 'a query condition',
  update: 'update data',
  aggregate: 'an aggregation expression',
  stage: 'an aggregation stage',
};

/** A value with a meaning of its own in a query: a command, an operator, a server date, a point. */
export abstract class QueryPart {
  /** @internal */
  protected abstract readonly role: Role;

  /** How the part reads in messages, e.g. `_.gt()`. */
  abstract describe(): string;

  /** @internal The part as query text; `depth` counts the brackets already open around it. */
  abstract render(depth: number, mode: Mode, what: string): string;

  /** @internal */
  renderIn(mode: Mode, depth: number, what: string): string {
    if (!ALLOWED[mode].has(this.role)) throw new InvalidArgumentError(what, `${this.describe()} cannot be used in ${MODE_NAMES[mode]}`);
    return this.render(depth, mode, what);
  }
}

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `head(arg, arg…)` with the arguments one level deeper. */
export function call(head: string, depth: number, what: string, args: ReadonlyArray<(depth: number) => string>): string {
  const inner = enter(depth, what);
  return `${head}(${args.map((render) => render(inner)).join(', ')})`;
}

/** A plain object's defined entries: `undefined` fields are dropped, as wx-server-sdk drops them. */
export function definedEntries(value: Readonly<Record<string, unknown>>): Array<[string, unknown]> {
  return Object.keys(value)
    .map((key): [string, unknown] => [key, value[key]])
    .filter(([, field]) => field !== undefined);
}

/** Any value as query text, in `mode`; throws InvalidArgumentError for what cannot be expressed. */
export function renderValue(value: unknown, mode: Mode, depth: number, what: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return numberLiteral(value, what);
    case 'string':
      return stringLiteral(value);
    case 'object':
      break;
    default:
      throw new InvalidArgumentError(what, `a ${typeof value} cannot be part of a query`);
  }
  if (value instanceof Date) return dateLiteral(value, depth, what);
  if (value instanceof RegExp) return regExpLiteral(value, depth, what);
  if (value instanceof QueryPart) return value.renderIn(mode, depth, what);
  if (Array.isArray(value)) return arrayLiteral(value, mode, depth, what);
  if (isPlainObject(value)) return objectLiteral(value, mode, depth, what);
  throw new InvalidArgumentError(
    what,
    'only plain objects, arrays, strings, finite numbers, booleans, null, Dates, RegExps and query helpers can be part of a query',
  );
}

function arrayLiteral(value: readonly unknown[], mode: Mode, depth: number, what: string): string {
  const inner = enter(depth, what);
  const itemMode: Mode = mode === 'filter' ? 'operand' : mode === 'update' ? 'data' : mode;
  const items: string[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const item = value[index];
    if (item === undefined) throw new InvalidArgumentError(what, `array item ${index} is undefined`);
    items.push(renderValue(item, itemMode, inner, what));
  }
  return `[${items.join(', ')}]`;
}

function objectLiteral(value: Readonly<Record<string, unknown>>, mode: Mode, depth: number, what: string): string {
  const inner = enter(depth, what);
  const fields = definedEntries(value).map(([key, field]) => {
    // `$` keys are MongoDB operators: below them a filter holds operands and an update holds data.
    const fieldMode: Mode = key.startsWith('$') ? (mode === 'filter' ? 'operand' : mode === 'update' ? 'data' : mode) : mode;
    return `${keyLiteral(key, what)}: ${renderValue(field, fieldMode, inner, what)}`;
  });
  return `{${fields.join(', ')}}`;
}

function dateLiteral(value: Date, depth: number, what: string): string {
  const time = value.getTime();
  if (Number.isNaN(time)) throw new InvalidArgumentError(what, 'invalid Date');
  return call('new Date', depth, what, [() => numberLiteral(time, what)]);
}

/** Flags MongoDB and JavaScript agree on; `g` and `y` would make the RegExp stateful. */
const REGEX_FLAGS = /^[imsu]*$/;

function regExpLiteral(value: RegExp, depth: number, what: string): string {
  if (!REGEX_FLAGS.test(value.flags)) throw new InvalidArgumentError(what, `regular expression flags '${value.flags}' are not supported (use i, m, s, u)`);
  return call('db.RegExp', depth, what, [
    (inner) => {
      enter(inner, what); // the options object is one more level
      return `{regexp: ${stringLiteral(value.source)}, options: ${stringLiteral(value.flags)}}`;
    },
  ]);
}
