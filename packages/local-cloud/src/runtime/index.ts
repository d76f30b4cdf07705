export { CloudFunctionError, FunctionExecutionError, FunctionNotFoundError, FunctionTimeoutError } from './errors';
export {
  DEFAULT_FUNCTION_TIMEOUT_MS,
  defaultNodePath,
  FunctionRuntime,
  type FunctionRegistration,
  type FunctionRuntimeOptions,
  type InvokeOptions,
  type InvokeResult,
} from './function-runtime';
export type { FunctionLogEntry } from './function-logs';
export type { FunctionContext } from './protocol';
