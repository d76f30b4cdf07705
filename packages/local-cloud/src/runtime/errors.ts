import { WxhubError } from '@wxhub/core';

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
  static readonly ERR_CODE = -504002;
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
  static readonly ERR_CODE = -504003;
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
  static readonly ERR_CODE = -501000;
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
