import { CloudErrcode, WxhubError } from '@wxhub/core';

/**
 * A failed cloud function call, in WeChat's terms: `errCode` is the number a mini program sees
 * (`cloud.callFunction:fail errCode: -504002 ...`), `errMsg` the detail without any stack trace
 * (stacks stay in the function's captured logs).
 */
export abstract class CloudFunctionError extends WxhubError {
  constructor(
    readonly errCode: number,
    label: string,
    readonly functionName: string,
    readonly errMsg: string,
    readonly requestId?: string,
  ) {
    super(`errCode: ${errCode} ${label} | errMsg: ${errMsg}`);
  }
}

/** The handler threw, could not be loaded, returned something that is not JSON, or its instance died. */
export class FunctionExecutionError extends CloudFunctionError {
  static readonly ERR_CODE = CloudErrcode.FUNCTION_EXECUTION_FAILED;
  readonly code = 'FUNCTION_EXECUTION';
  readonly transient = false;
  constructor(functionName: string, errMsg: string, requestId?: string) {
    super(FunctionExecutionError.ERR_CODE, 'functions execute fail', functionName, errMsg, requestId);
  }
}

/**
 * The handler ran past its time limit; its instance was killed. Not transient: the function may
 * have had effects before it was stopped, so trying again is the caller's decision, not a retry loop's.
 */
export class FunctionTimeoutError extends CloudFunctionError {
  static readonly ERR_CODE = CloudErrcode.FUNCTION_TIMED_OUT;
  readonly code = 'FUNCTION_TIMEOUT';
  readonly transient = false;
  constructor(
    functionName: string,
    readonly timeoutMs: number,
    requestId?: string,
  ) {
    super(FunctionTimeoutError.ERR_CODE, 'functions invoke timeout', functionName, `Invoking task timed out after ${timeoutMs / 1000} seconds`, requestId);
  }
}

/** No function of that name is registered in that environment. */
export class FunctionNotFoundError extends CloudFunctionError {
  static readonly ERR_CODE = CloudErrcode.INVALID_ENV_OR_CALLER;
  readonly code = 'FUNCTION_NOT_FOUND';
  readonly transient = false;
  constructor(functionName: string, envId: string) {
    super(
      FunctionNotFoundError.ERR_CODE,
      'function not found',
      functionName,
      `[ResourceNotFound.FunctionName] function ${functionName} does not exist in env ${envId}`,
    );
  }
}

/**
 * The event cannot be handed to the function: larger than the platform takes, nested too deep,
 * or not JSON. Refused before any instance is taken, so nothing ran and no instance is held;
 * -501007 as the SDK numbers a parameter the backend refuses.
 */
export class FunctionPayloadError extends CloudFunctionError {
  static readonly ERR_CODE = CloudErrcode.INVALID_PARAMETERS;
  readonly code = 'FUNCTION_PAYLOAD';
  readonly transient = false;
  constructor(functionName: string, problem: string) {
    super(FunctionPayloadError.ERR_CODE, 'invalid parameters', functionName, `the event of function ${functionName} ${problem}`);
  }
}

/**
 * Every instance of the function is busy and its queue is full: the call was not made. WeChat
 * refuses a synchronous call beyond the function's concurrency quota the same way
 * (ResourceLimitReached) rather than queueing it; trying again later may succeed.
 */
export class FunctionConcurrencyError extends CloudFunctionError {
  static readonly ERR_CODE = CloudErrcode.FUNCTION_REQUEST_FAILED;
  readonly code = 'FUNCTION_CONCURRENCY';
  readonly transient = true;
  constructor(functionName: string, maxInstances: number, maxQueued: number) {
    super(
      FunctionConcurrencyError.ERR_CODE,
      'function concurrency limit reached',
      functionName,
      `[ResourceLimitReached] function ${functionName} has ${maxInstances} busy instances and ${maxQueued} calls waiting: try again later`,
    );
  }
}
