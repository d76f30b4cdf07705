import type { AggregateOperatorIr, Ir, PipelineIr, QueryCommandIr } from './ir';
import type { Located, QuerySource } from './query-source';
import type { QueryObject, QueryValue } from './types';

/** How a value that does not fit its place is named in messages. */
export function describe(ir: Ir): string {
  switch (ir.kind) {
    case 'literal':
      return ir.value === null ? 'null' : ir.value instanceof Date ? 'a date' : ir.value instanceof RegExp ? 'a regular expression' : `a ${typeof ir.value}`;
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    case 'query':
    case 'update':
      return `_.${ir.name}()`;
    case 'logic':
      return `_.${ir.name}()`;
    case 'aggregateOperator':
      return `$.${ir.operator === '$ne' ? 'neq' : ir.operator.slice(1)}()`;
    case 'expr':
      return '_.expr()';
    case 'projection':
      return `_.project.${ir.name}()`;
    case 'pipeline':
      return '$.pipeline()';
  }
}

function misplaced(source: QuerySource, ir: Ir, where: string) {
  return source.invalid(ir.at, `${describe(ir)} is not allowed in ${where}`);
}

/** Plain data: literals, arrays, objects — what documents are made of. Commands are refused. */
export function toData(source: QuerySource, ir: Ir, where: string): QueryValue {
  switch (ir.kind) {
    case 'literal':
      return ir.value;
    case 'array':
      return ir.items.map((item) => toData(source, item, where));
    case 'object': {
      const out: QueryObject = {};
      for (const entry of ir.entries) out[entry.key] = toData(source, entry.value, where);
      return out;
    }
    default:
      throw misplaced(source, ir, where);
  }
}

/**
 * Data in which query commands stand for themselves without a field: `_.elemMatch({a: _.gt(1)})`
 * is `{$elemMatch: {a: {$gt: 1}}}`, `_.pull(_.in([1, 2]))` is `{$pull: {f: {$in: [1, 2]}}}` —
 * what wx-server-sdk sends for these (it serialises the command objects as they are).
 */
export function toOperand(source: QuerySource, ir: Ir, where: string): QueryValue {
  switch (ir.kind) {
    case 'query':
      return fieldless(source, ir);
    case 'array':
      return ir.items.map((item) => toOperand(source, item, where));
    case 'object': {
      const out: QueryObject = {};
      for (const entry of ir.entries) out[entry.key] = toOperand(source, entry.value, where);
      return out;
    }
    default:
      return toData(source, ir, where);
  }
}

/** `_.gt(18)` as `{$gt: 18}`. */
export function fieldless(source: QuerySource, command: QueryCommandIr): QueryObject {
  const { name, args } = command;
  const what = `_.${name}()`;
  const [first, second] = args;
  if (first === undefined) throw source.invalid(command.at, `${what} takes an argument`);
  switch (name) {
    case 'eq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [`$${name}`]: toData(source, first, what) };
    case 'neq':
      return { $ne: toData(source, first, what) };
    case 'in':
    case 'nin':
    case 'all':
      if (first.kind !== 'array') throw source.invalid(first.at, `${what} takes an array`);
      return { [`$${name}`]: toData(source, first, what) };
    case 'elemMatch':
      if (first.kind !== 'object' && first.kind !== 'query') throw source.invalid(first.at, `${what} takes an object or a query command`);
      return { $elemMatch: toOperand(source, first, what) };
    case 'exists':
      return { $exists: literalOf(source, first, 'boolean', what) };
    case 'size':
      return { $size: integer(source, first, what, 0) };
    case 'mod': {
      const pair = second === undefined ? first : { kind: 'array' as const, items: args, at: command.at };
      if (pair.kind !== 'array' || pair.items.length !== 2) throw source.invalid(first.at, `${what} takes a divisor and a remainder`);
      return { $mod: pair.items.map((item) => literalOf(source, item, 'number', what)) };
    }
  }
}

/**
 * Aggregation expressions: data in which `$.sum(1)` is `{$sum: 1}`. Sub-pipelines are only
 * meaningful inside a stage, so the stage encoder passes `pipeline`; elsewhere they are refused.
 */
export function toAggregate(source: QuerySource, ir: Ir, where: string, pipeline?: (ir: PipelineIr) => QueryValue): QueryValue {
  switch (ir.kind) {
    case 'aggregateOperator':
      return aggregateOperator(source, ir, where, pipeline);
    case 'array':
      return ir.items.map((item) => toAggregate(source, item, where, pipeline));
    case 'object': {
      const out: QueryObject = {};
      for (const entry of ir.entries) out[entry.key] = toAggregate(source, entry.value, where, pipeline);
      return out;
    }
    case 'pipeline':
      if (pipeline === undefined) throw misplaced(source, ir, where);
      if (!ir.done) throw source.invalid(ir.at, '$.pipeline() must end with .done()');
      return pipeline(ir);
    default:
      return toData(source, ir, where);
  }
}

function aggregateOperator(source: QuerySource, ir: AggregateOperatorIr, where: string, pipeline?: (ir: PipelineIr) => QueryValue): QueryObject {
  return { [ir.operator]: toAggregate(source, ir.param, where, pipeline) };
}

type LiteralKinds = { number: number; string: string; boolean: boolean };

export function literalOf<K extends keyof LiteralKinds>(source: QuerySource, ir: Ir, kind: K, what: string): LiteralKinds[K] {
  const value = ir.kind === 'literal' ? ir.value : undefined;
  if (typeof value !== kind) throw source.invalid(ir.at, `${what} takes a ${kind}, not ${describe(ir)}`);
  return value as LiteralKinds[K];
}

export function integer(source: QuerySource, ir: Ir, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = ir.kind === 'literal' ? ir.value : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw source.invalid(ir.at, `${what} takes ${range}`);
  }
  return value;
}

export function objectArg(source: QuerySource, ir: Ir | undefined, at: Located, what: string): Ir & { kind: 'object' } {
  if (ir?.kind !== 'object') throw source.invalid(ir?.at ?? at, `${what} takes an object`);
  return ir;
}
