import { AGGREGATE_OPERATOR_NAMES, type AggregateOperatorName } from '@wxhub/db-query-language';
import { AggregateExpression } from './aggregate-expression';
import { ExprCondition, LogicCommand, QueryCommand, spread } from './conditions';
import { ProjectionOperator } from './projection';
import { PipelineBuilder } from './stages';
import { UpdateCommand, type PushOptions } from './update-commands';
import type { AggregateValue, Condition, DataValue, OperandObject, OperandValue } from './types';

type Conditions = Condition[] | [readonly Condition[]];

/**
 * `db.command`, typed: query commands (`_.gt`), logic (`_.and`), update commands (`_.inc`),
 * projection operators (`_.project.slice`) and `_.expr`. Each returns an object the builder
 * renders; none of them runs anything.
 */
export const _ = {
  eq: (value: DataValue): QueryCommand => new QueryCommand('eq', [value]),
  neq: (value: DataValue): QueryCommand => new QueryCommand('neq', [value]),
  gt: (value: DataValue): QueryCommand => new QueryCommand('gt', [value]),
  gte: (value: DataValue): QueryCommand => new QueryCommand('gte', [value]),
  lt: (value: DataValue): QueryCommand => new QueryCommand('lt', [value]),
  lte: (value: DataValue): QueryCommand => new QueryCommand('lte', [value]),
  in: (values: readonly DataValue[]): QueryCommand => new QueryCommand('in', [values]),
  nin: (values: readonly DataValue[]): QueryCommand => new QueryCommand('nin', [values]),
  all: (values: readonly DataValue[]): QueryCommand => new QueryCommand('all', [values]),
  elemMatch: (condition: OperandObject | QueryCommand): QueryCommand => new QueryCommand('elemMatch', [condition]),
  exists: (exists: boolean): QueryCommand => new QueryCommand('exists', [exists]),
  size: (length: number): QueryCommand => new QueryCommand('size', [length]),
  mod: (divisor: number, remainder: number): QueryCommand => new QueryCommand('mod', [divisor, remainder]),

  and: (...conditions: Conditions): LogicCommand => new LogicCommand('and', spread(conditions)),
  or: (...conditions: Conditions): LogicCommand => new LogicCommand('or', spread(conditions)),
  nor: (...conditions: Conditions): LogicCommand => new LogicCommand('nor', spread(conditions)),
  not: (condition: QueryCommand | RegExp): LogicCommand => new LogicCommand('not', [condition]),
  expr: (expression: AggregateValue): ExprCondition => new ExprCondition(expression),

  set: (value: DataValue): UpdateCommand => new UpdateCommand('set', [value]),
  remove: (): UpdateCommand => new UpdateCommand('remove', []),
  inc: (by: number): UpdateCommand => new UpdateCommand('inc', [by]),
  mul: (by: number): UpdateCommand => new UpdateCommand('mul', [by]),
  max: (value: DataValue): UpdateCommand => new UpdateCommand('max', [value]),
  min: (value: DataValue): UpdateCommand => new UpdateCommand('min', [value]),
  rename: (to: string): UpdateCommand => new UpdateCommand('rename', [to]),
  bit: (operation: Readonly<Partial<Record<'and' | 'or' | 'xor', number>>>): UpdateCommand => new UpdateCommand('bit', [operation]),
  /**
   * Appends the values: `_.push(a, b)` or, as in wx-server-sdk, `_.push([a, b])`. An object
   * argument is always a value, never options: use `_.pushEach` for those.
   */
  push: (...values: DataValue[]): UpdateCommand => new UpdateCommand('push', values),
  /** `_.push({each, position, sort, slice})`. */
  pushEach: (options: PushOptions & { readonly each: readonly DataValue[] }): UpdateCommand => new UpdateCommand('pushEach', [options]),
  pop: (): UpdateCommand => new UpdateCommand('pop', []),
  shift: (): UpdateCommand => new UpdateCommand('shift', []),
  /** Prepends the values: `_.unshift(a, b)` or `_.unshift([a, b])`. */
  unshift: (...values: DataValue[]): UpdateCommand => new UpdateCommand('unshift', values),
  pull: (condition: OperandValue): UpdateCommand => new UpdateCommand('pull', [condition]),
  pullAll: (values: readonly DataValue[]): UpdateCommand => new UpdateCommand('pullAll', [values]),
  addToSet: (value: DataValue): UpdateCommand => new UpdateCommand('addToSet', [value]),
  /** `_.addToSet({$each: values})`. */
  addToSetEach: (values: readonly DataValue[]): UpdateCommand => new UpdateCommand('addToSetEach', [values]),

  project: {
    slice: (count: number | readonly [number, number]): ProjectionOperator => new ProjectionOperator('slice', count),
    elemMatch: (condition: OperandObject | QueryCommand): ProjectionOperator => new ProjectionOperator('elemMatch', condition),
  },
} as const;

export type AggregateOperators = {
  readonly [name in AggregateOperatorName]: (param: AggregateValue) => AggregateExpression;
} & {
  /** A sub-pipeline for `lookup({…, pipeline: $.pipeline().match(…).done()})`. */
  readonly pipeline: () => PipelineBuilder;
};

function aggregateOperators(): AggregateOperators {
  const operators: Partial<Record<AggregateOperatorName, (param: AggregateValue) => AggregateExpression>> = {};
  for (const name of AGGREGATE_OPERATOR_NAMES) operators[name] = (param) => new AggregateExpression(name, param);
  return Object.freeze({
    ...(operators as Record<AggregateOperatorName, (param: AggregateValue) => AggregateExpression>),
    pipeline: () => new PipelineBuilder(),
  });
}

/** `db.command.aggregate`, typed: `$.sum(1)`, `$.pipeline()`. */
export const $: AggregateOperators = aggregateOperators();
