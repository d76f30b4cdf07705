import type { LogicCommandName, QueryCommandName, StageName, UpdateCommandName } from '@wxhub/db-query-language';
import type { Located } from './query-source';
import type { QueryValue } from './types';

/**
 * What the reader makes of a value before the context (a filter, update data, a document, a
 * pipeline stage) decides what it means: `_.gt(1)` is a condition in `where` but refused in
 * `add` data, and a nested object is flattened to dotted paths in `where` but kept in `add`.
 */
export type Ir =
  LiteralIr | ArrayIr | ObjectIr | QueryCommandIr | LogicCommandIr | UpdateCommandIr | AggregateOperatorIr | ExprIr | ProjectionOperatorIr | PipelineIr;

interface Base {
  readonly at: Located;
}

/** A finished leaf: a scalar, a Date, a RegExp, a server-date marker or a GeoJSON point. */
export interface LiteralIr extends Base {
  readonly kind: 'literal';
  readonly value: QueryValue;
}

export interface ArrayIr extends Base {
  readonly kind: 'array';
  readonly items: readonly Ir[];
}

export interface ObjectEntry {
  readonly key: string;
  readonly keyAt: Located;
  readonly value: Ir;
}

export interface ObjectIr extends Base {
  readonly kind: 'object';
  readonly entries: readonly ObjectEntry[];
}

export interface QueryCommandIr extends Base {
  readonly kind: 'query';
  readonly name: QueryCommandName;
  readonly args: readonly Ir[];
}

export interface LogicCommandIr extends Base {
  readonly kind: 'logic';
  readonly name: LogicCommandName;
  readonly operands: readonly Ir[];
}

export interface UpdateCommandIr extends Base {
  readonly kind: 'update';
  readonly name: UpdateCommandName;
  readonly args: readonly Ir[];
}

/** `$.sum(1)`: becomes `{$sum: 1}`. `operator` is the MongoDB name with its `$`. */
export interface AggregateOperatorIr extends Base {
  readonly kind: 'aggregateOperator';
  readonly operator: string;
  readonly param: Ir;
}

/** `_.expr(…)`: an aggregation expression used as a query condition. */
export interface ExprIr extends Base {
  readonly kind: 'expr';
  readonly value: Ir;
}

/** `_.project.slice(…)` / `_.project.elemMatch(…)` inside `field()`. */
export interface ProjectionOperatorIr extends Base {
  readonly kind: 'projection';
  readonly name: 'slice' | 'elemMatch';
  readonly param: Ir;
}

export interface StageCall {
  readonly name: StageName;
  readonly args: readonly Ir[];
  readonly at: Located;
}

/** `$.pipeline().match(…)…done()`, the sub-pipeline of a `lookup` stage. */
export interface PipelineIr extends Base {
  readonly kind: 'pipeline';
  readonly stages: readonly StageCall[];
  readonly done: boolean;
}

export function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
