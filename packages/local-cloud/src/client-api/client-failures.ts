import type { EmulatorReply } from '../http/router';
import type { ClientCallFailure } from './types';

/** The client SDK's code for "the function service failed" (execution error, timeout, not found, bad env). */
export const CLOUD_FUNCTION_EXECUTION_ERROR = -404011;
/** Used for requests the client SDK itself would refuse (missing name, data not an object). */
export const CLIENT_PARAMETER_ERROR = -1;

/**
 * A failure of the function service as the client SDK reports it, e.g.
 * `cloud.callFunction:fail requestID 1a2b…, cloud function service error code -504002, error
 * message RangeError: no such item; at cloud.callFunction api;` (the format WeChat's SDK prints).
 */
export function serviceFailure(status: number, serviceCode: number, message: string, requestID?: string): EmulatorReply {
  const body: ClientCallFailure = {
    errCode: CLOUD_FUNCTION_EXECUTION_ERROR,
    errMsg: `cloud.callFunction:fail requestID ${requestID ?? ''}, cloud function service error code ${serviceCode}, error message ${message}; at cloud.callFunction api;`,
    ...(requestID ? { requestID } : {}),
  };
  return { status, body };
}

/** A request the client SDK would not send, or one naming a mini program the local cloud does not have. */
export function requestFailure(status: number, reason: string): EmulatorReply {
  const body: ClientCallFailure = { errCode: CLIENT_PARAMETER_ERROR, errMsg: `cloud.callFunction:fail ${reason}` };
  return { status, body };
}
