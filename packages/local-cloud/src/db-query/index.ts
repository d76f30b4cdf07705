export { parseDbQuery } from './parse-query';
export { QueryErrcode, QueryParseError, type QueryErrcodeValue, type QueryPosition } from './errors';
export { DEFAULT_HTTP_LIMIT, MAX_LIMIT, MAX_NESTING_DEPTH, MAX_QUERY_BYTES, SERVER_DATE_KEY, keyProblem } from '@wxhub/db-query-language';
export { isServerDateMarker, resolveServerDates, type ServerDateMarker } from './server-date';
export type {
  AddQuery,
  AggregateQuery,
  CountQuery,
  DocumentId,
  GetQuery,
  OrderBy,
  ParsedQuery,
  QueryObject,
  QueryOp,
  QueryValue,
  RemoveQuery,
  SetQuery,
  SortDirection,
  UpdateQuery,
} from './types';
