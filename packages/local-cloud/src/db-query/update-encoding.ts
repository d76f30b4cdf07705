import { flattenObject } from './flatten';
import type { Ir, UpdateCommandIr } from './ir';
import { brief, type Located, type QuerySource } from './query-source';
import type { QueryObject, QueryValue } from './types';
import { integer, literalOf, objectArg, toData, toOperand } from './value-encoding';

/**
 * `update({data})` as a MongoDB update document, as wx-server-sdk's UpdateSerializer builds it:
 * plain values are `$set` on dotted paths (so `{a: {b: 1}}` sets `a.b` and keeps `a`'s other
 * fields), commands become their operator: `_.inc(1)` → `$inc`, `_.remove()` → `$unset`,
 * `_.push(x)` → `$push: {$each: [x]}`, `_.unshift(x)` → `$push` at position 0,
 * `_.shift()`/`_.pop()` → `$pop: -1 / 1`.
 */
export function encodeUpdate(source: QuerySource, ir: Ir | undefined, at: Located): QueryObject {
  const data = objectArg(source, ir, at, 'update() data');
  if (data.entries.length === 0) throw source.invalid(data.at, 'update() data is empty');
  for (const entry of data.entries) {
    if (entry.key === '_id') throw source.invalid(entry.keyAt, 'the _id of a document cannot be updated (不能更新_id的值)');
    if (entry.key.startsWith('$')) {
      throw source.invalid(entry.keyAt, 'update() data takes fields, not operators; write {field: _.inc(1)} rather than {$inc: {field: 1}}');
    }
  }
  const out: Record<string, QueryObject> = {};
  const put = (operator: string, path: string, value: QueryValue): void => {
    (out[operator] ??= {})[path] = value;
  };
  for (const { path, value } of flattenObject(source, data).fields) {
    if (value.kind === 'update') {
      const [operator, operand] = updateOperator(source, value);
      put(operator, path, operand);
    } else {
      put('$set', path, toData(source, value, 'update() data'));
    }
  }
  return out;
}

function updateOperator(source: QuerySource, command: UpdateCommandIr): [string, QueryValue] {
  const { name, args } = command;
  const what = `_.${name}()`;
  const [first] = args;
  switch (name) {
    case 'remove':
      return ['$unset', ''];
    case 'pop':
      return ['$pop', 1];
    case 'shift':
      return ['$pop', -1];
    case 'push':
      return ['$push', pushModifiers(source, command)];
    case 'unshift':
      return ['$push', { $each: spreadValues(source, args, what), $position: 0 }];
  }
  if (first === undefined) throw source.invalid(command.at, `${what} takes an argument`);
  switch (name) {
    case 'set':
    case 'max':
    case 'min':
    case 'addToSet':
      return [`$${name}`, toData(source, first, what)];
    case 'inc':
    case 'mul':
      return [`$${name}`, literalOf(source, first, 'number', what)];
    case 'rename': {
      const target = literalOf(source, first, 'string', what);
      if (target === '') throw source.invalid(first.at, `${what} takes a non-empty field name`);
      return ['$rename', target];
    }
    case 'bit':
      return ['$bit', toData(source, objectArg(source, first, command.at, what), what)];
    case 'pull':
      return ['$pull', toOperand(source, first, what)];
    case 'pullAll':
      if (first.kind !== 'array') throw source.invalid(first.at, `${what} takes an array`);
      return ['$pullAll', toData(source, first, what)];
  }
}

/** `_.push(a, b)`, `_.push([a, b])` and `_.push({each, position, sort, slice})`, as the SDK reads them. */
function pushModifiers(source: QuerySource, command: UpdateCommandIr): QueryObject {
  const [first] = command.args;
  if (command.args.length === 1 && first?.kind === 'object' && first.entries.some((entry) => entry.key === 'each')) {
    const out: QueryObject = {};
    for (const entry of first.entries) {
      const what = `_.push() ${entry.key}`;
      switch (entry.key) {
        case 'each':
          if (entry.value.kind !== 'array') throw source.invalid(entry.value.at, `${what} takes an array`);
          out.$each = toData(source, entry.value, what);
          break;
        case 'position':
          out.$position = integer(source, entry.value, what, Number.MIN_SAFE_INTEGER);
          break;
        case 'slice':
          out.$slice = integer(source, entry.value, what, Number.MIN_SAFE_INTEGER);
          break;
        case 'sort':
          out.$sort = toData(source, entry.value, what);
          break;
        default:
          throw source.invalid(entry.keyAt, `_.push() does not take '${brief(entry.key)}'`);
      }
    }
    return out;
  }
  return { $each: spreadValues(source, command.args, '_.push()') };
}

/** `f(a, b)` or `f([a, b])`: the values a and b. */
function spreadValues(source: QuerySource, args: readonly Ir[], what: string): QueryValue[] {
  const [first] = args;
  const list = args.length === 1 && first?.kind === 'array' ? first.items : args;
  return list.map((item) => toData(source, item, what));
}
