export * from './errors';
export * from './function-runtime';
export type { FunctionLogEntry } from './function-logs';
export type { FunctionContext } from './protocol';
