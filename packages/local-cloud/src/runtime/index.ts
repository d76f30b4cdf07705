export {
  CloudFunctionError,
  FunctionConcurrencyError,
  FunctionExecutionError,
  FunctionNotFoundError,
  FunctionPayloadError,
  FunctionTimeoutError,
} from './errors';
export { WECHAT_PAYLOAD_LIMITS, type PayloadLimits } from './payload-limits';
export {
  DEFAULT_FUNCTION_TIMEOUT_MS,
  DEFAULT_MAX_QUEUED_PER_FUNCTION,
  defaultInstanceCap,
  defaultNodePath,
  FunctionRuntime,
  type FunctionRegistration,
  type FunctionRuntimeOptions,
  type InvokeOptions,
  type InvokeResult,
} from './function-runtime';
export type { FunctionLogEntry } from './function-logs';
export type { FunctionContext } from './protocol';
