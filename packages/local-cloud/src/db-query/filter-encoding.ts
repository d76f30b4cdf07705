import { flattenObject } from './flatten';
import type { Ir, LogicCommandIr, ObjectIr } from './ir';
import { brief, type QuerySource } from './query-source';
import type { QueryObject, QueryValue } from './types';
import { describe, fieldless, toAggregate, toOperand } from './value-encoding';

const LOGIC_KEYS: ReadonlySet<string> = new Set(['$and', '$or', '$nor']);

/**
 * The argument of `where()` or of a `match` stage as a MongoDB filter, encoded the way
 * wx-server-sdk's QuerySerializer does: nested objects become dotted paths, `_.gt(18)` becomes
 * `{$gt: 18}`, and a field's `_.gt(1).and(_.lt(5))` becomes a top-level
 * `$and: [{f: {$gt: 1}}, {f: {$lt: 5}}]` merged with the other conditions.
 */
export function encodeFilter(source: QuerySource, ir: Ir, where: string): QueryObject {
  switch (ir.kind) {
    case 'object':
      return encodeFilterObject(source, ir);
    case 'logic':
      return encodeLogic(source, ir, undefined);
    case 'expr':
      return { $expr: toAggregate(source, ir.value, '_.expr()') };
    default:
      throw source.invalid(ir.at, `${where} takes an object or _.and/_.or/_.nor/_.expr, not ${describe(ir)}`);
  }
}

function encodeFilterObject(source: QuerySource, object: ObjectIr): QueryObject {
  const out: QueryObject = {};
  const { fields, operators } = flattenObject(source, object);
  for (const entry of operators) merge(source, out, { [entry.key]: toOperand(source, entry.value, entry.key) }, entry.value);
  for (const { path, value } of fields) {
    switch (value.kind) {
      case 'query':
        merge(source, out, { [path]: fieldless(source, value) }, value);
        break;
      case 'logic':
        merge(source, out, encodeLogic(source, value, path), value);
        break;
      case 'literal':
      case 'array':
      case 'object':
        merge(source, out, { [path]: toOperand(source, value, 'a query') }, value);
        break;
      default:
        throw source.invalid(value.at, `${describe(value)} is not allowed in a query`);
    }
  }
  return out;
}

/** `$and`/`$or`/`$nor` lists from several fields are concatenated; a field may appear once. */
function merge(source: QuerySource, into: QueryObject, condition: QueryObject, ir: Ir): void {
  for (const [key, value] of Object.entries(condition)) {
    const existing = Object.prototype.hasOwnProperty.call(into, key) ? into[key] : undefined;
    if (existing === undefined) {
      into[key] = value;
    } else if (LOGIC_KEYS.has(key) && Array.isArray(existing) && Array.isArray(value)) {
      into[key] = [...existing, ...value];
    } else {
      throw source.invalid(ir.at, `the condition on '${brief(key)}' is given twice`);
    }
  }
}

/**
 * `_.and/_.or/_.nor(…)`: each operand is a condition on `field` (a command, a RegExp or Date
 * to equal) or, field or not, a whole filter object. `_.not(…)` negates one command or RegExp
 * on a field.
 */
function encodeLogic(source: QuerySource, ir: LogicCommandIr, field: string | undefined): QueryObject {
  if (ir.name === 'not') {
    const [operand] = ir.operands;
    if (field === undefined) throw source.invalid(ir.at, '_.not() must be the condition of a field: where({field: _.not(…)})');
    if (operand?.kind === 'query') return { [field]: { $not: fieldless(source, operand) } };
    if (operand?.kind === 'literal' && operand.value instanceof RegExp) return { [field]: { $not: operand.value } };
    throw source.invalid(operand?.at ?? ir.at, '_.not() takes a query command or a regular expression');
  }
  const list: QueryValue[] = ir.operands.map((operand) => condition(source, operand, field, ir.name));
  return { [`$${ir.name}`]: list };
}

function condition(source: QuerySource, ir: Ir, field: string | undefined, logic: string): QueryObject {
  switch (ir.kind) {
    case 'logic':
      return encodeLogic(source, ir, field);
    case 'query':
      if (field === undefined) throw source.invalid(ir.at, `_.${ir.name}() needs a field: where({field: _.${ir.name}(…)})`);
      return { [field]: fieldless(source, ir) };
    case 'object':
      return encodeFilterObject(source, ir);
    case 'expr':
      return { $expr: toAggregate(source, ir.value, '_.expr()') };
    case 'literal':
      if (field !== undefined && (ir.value instanceof RegExp || ir.value instanceof Date)) return { [field]: ir.value };
      break;
    default:
      break;
  }
  throw source.invalid(ir.at, `_.${logic}() takes conditions (objects or commands), not ${describe(ir)}`);
}
