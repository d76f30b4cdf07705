import type { AggregateExpression } from './aggregate-expression';
import type { ProjectionOperator } from './projection';
import type { QueryPart } from './render';
import type { UpdateCommand } from './update-commands';
import type { GeoPoint, ServerDate } from './values';

/*
 * The identities of the parts defined in conditions.ts and stages.ts, whose own methods take the
 * types below: named here by interface so that this module does not import those modules back.
 * An interface extending QueryPart (which has a protected member) can only be implemented by its
 * subclasses, and `kind` tells them apart, so a plain object cannot pass for one.
 */
/** `_.gt(18)` and friends (QueryCommand in conditions.ts). */
export interface QueryCommandPart extends QueryPart {
  readonly kind: 'query-command';
}
/** `_.and/_.or/_.nor/_.not(…)` (LogicCommand in conditions.ts). */
export interface LogicCommandPart extends QueryPart {
  readonly kind: 'logic-command';
}
/** `_.expr(…)` (ExprCondition in conditions.ts). */
export interface ExprConditionPart extends QueryPart {
  readonly kind: 'expr-condition';
}
/** `$.pipeline()…done()` (Pipeline in stages.ts). */
export interface PipelinePart extends QueryPart {
  readonly kind: 'pipeline';
}

export type Scalar = null | boolean | number | string;

/** What documents are made of. `undefined` object fields are left out, as wx-server-sdk does. */
export type DataValue = Scalar | Date | RegExp | ServerDate | GeoPoint | readonly DataValue[] | DataObject;

export interface DataObject {
  readonly [key: string]: DataValue | undefined;
}

/** Data in which query commands may stand without a field: `_.elemMatch(…)`, `_.pull(…)`. */
export type OperandValue = DataValue | QueryCommandPart | readonly OperandValue[] | OperandObject;

export interface OperandObject {
  readonly [key: string]: OperandValue | undefined;
}

/** A field's condition: a value to equal, a query command, a logic command, nested fields. */
export type FieldCondition = DataValue | QueryCommandPart | LogicCommandPart | FilterObject | readonly OperandValue[];

export interface FilterObject {
  readonly [field: string]: FieldCondition | undefined;
}

/** The argument of `where()` and of the `match` stage. */
export type Filter = FilterObject | LogicCommandPart | ExprConditionPart;

/** An operand of `_.and/_.or/_.nor`: commands apply to the field the logic command is the value of. */
export type Condition = FilterObject | QueryCommandPart | LogicCommandPart | ExprConditionPart | RegExp | Date;

/** `update()` data: values are `$set`, commands (`_.inc(1)`) apply their operator. */
export type UpdateValue = DataValue | UpdateCommand | UpdateObject;

export interface UpdateObject {
  readonly [field: string]: UpdateValue | undefined;
}

/** `add()`'s options, as in wx-server-sdk: one document or several, each may carry its `_id`. */
export interface AddOptions {
  readonly data: DataObject | readonly DataObject[];
}

/** `update()`'s options, as in wx-server-sdk: `{data: {visits: _.inc(1)}}`. */
export interface UpdateOptions {
  readonly data: UpdateObject;
}

/** `set()`'s options, as in wx-server-sdk: the whole new document, without `_id`. */
export interface SetOptions {
  readonly data: DataObject;
}

/** Aggregation expressions: data and `$` operators; `$.pipeline()…done()` inside a stage. */
export type AggregateValue = DataValue | AggregateExpression | PipelinePart | readonly AggregateValue[] | AggregateObject;

export interface AggregateObject {
  readonly [key: string]: AggregateValue | undefined;
}

/** `field()`: true/1 to include, false/0 to exclude, or a `_.project` operator. */
export interface Projection {
  readonly [field: string]: boolean | 0 | 1 | ProjectionOperator | undefined;
}

export type DocumentId = string | number;

export type SortDirection = 'asc' | 'desc';
