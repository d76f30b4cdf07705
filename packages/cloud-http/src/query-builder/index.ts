export {
  queryBuilder,
  type AggregatePipeline,
  type CollectionQuery,
  type DocumentQuery,
  type FilteredQuery,
  type ShapedDocumentQuery,
  type ShapedQuery,
} from './chain';
export { _, $, type AggregateOperators } from './operators';
export { QueryCommand, LogicCommand, ExprCondition } from './conditions';
export { UpdateCommand, type UpdateCommandName, type PushOptions } from './update-commands';
export { AggregateExpression } from './aggregate-expression';
export { ProjectionOperator } from './projection';
export { Pipeline, PipelineBuilder, StageChain } from './stages';
export { ServerDate, GeoPoint, serverDate, geoPoint } from './values';
export { QueryPart } from './render';
export {
  AGGREGATE_OPERATOR_NAMES,
  MAX_LIMIT,
  MAX_NESTING_DEPTH,
  MAX_QUERY_BYTES,
  keyProblem,
  type AggregateOperatorName,
  type LogicCommandName,
  type QueryCommandName,
  type StageName,
} from '@wxhub/db-query-language';
export type * from './types';
