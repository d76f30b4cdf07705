import { CloudBackendCode, WxhubError } from '@wxhub/core';

/**
 * The string codes the cloud backend answers with (`{requestId, code, message}`), from the one
 * code table. wx-server-sdk turns them into numbers with its own table (CLOUD_BACKEND_CODES in
 * @wxhub/core); a code missing from that table surfaces as -501001, as against the real backend.
 */
export const BackendCode = CloudBackendCode;

export type BackendErrorCode = (typeof BackendCode)[keyof typeof BackendCode];

/** A refusal the backend sends back over the wire as `{requestId, code, message}`. */
export class CloudBackendError extends WxhubError {
  readonly transient = false;
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function invalidParam(message: string): CloudBackendError {
  return new CloudBackendError(BackendCode.INVALID_PARAM, message);
}

export function requestFailed(message: string): CloudBackendError {
  return new CloudBackendError(BackendCode.DATABASE_REQUEST_FAILED, message);
}
