export {
  queryBuilder,
  type AggregatePipeline,
  type CollectionQuery,
  type DocumentQuery,
  type FilteredQuery,
  type ShapedDocumentQuery,
  type ShapedQuery,
} from './chain';
export { _, $, AGGREGATE_OPERATOR_NAMES, type AggregateOperatorName, type AggregateOperators } from './operators';
export { QueryCommand, LogicCommand, ExprCondition, type QueryCommandName, type LogicCommandName } from './conditions';
export { UpdateCommand, type UpdateCommandName, type PushOptions } from './update-commands';
export { AggregateExpression } from './aggregate-expression';
export { ProjectionOperator } from './projection';
export { Pipeline, PipelineBuilder, StageChain, type StageName } from './stages';
export { ServerDate, GeoPoint, serverDate, geoPoint } from './values';
export { QueryPart } from './render';
export { MAX_LIMIT, MAX_NESTING_DEPTH, MAX_QUERY_BYTES, keyProblem } from './limits';
export type * from './types';
