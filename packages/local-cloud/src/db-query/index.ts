export { parseDbQuery } from './parse-query';
export { QueryErrcode, QueryParseError, type QueryErrcodeValue, type QueryPosition } from './errors';
export { keyProblem } from './keys';
export { SERVER_DATE_KEY, isServerDateMarker, resolveServerDates, type ServerDateMarker } from './server-date';
export * from './types';
