import { WxhubError } from '@wxhub/core';

/**
 * The string codes the cloud backend answers with (`{requestId, code, message}`). wx-server-sdk
 * turns them into numbers with its own table (CLOUD_BACKEND_CODES in @wxhub/core); a code
 * missing from that table (INVALID_ENV, INVALID_ACTION, DATABASE_COLLECTION_ALREADY_EXIST,
 * DATABASE_TRANSACTION_CONFLICT) surfaces as -501001, as it does against the real backend.
 */
export const BackendCode = {
  INVALID_PARAM: 'INVALID_PARAM',
  /** The SDK's table spells its entry INVALIID_ENV, so a real invalid env shows as -501001. */
  INVALID_ENV: 'INVALID_ENV',
  INVALID_ACTION: 'INVALID_ACTION',
  DATABASE_REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  DATABASE_COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  DATABASE_COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  /** @cloudbase/database's runTransaction retries (up to 3 times) on exactly this code. */
  DATABASE_TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  /** A page's request refused by permissions (only the pages' client endpoint answers these). */
  DATABASE_PERMISSION_DENIED: 'DATABASE_PERMISSION_DENIED',
  STORAGE_PERMISSION_DENIED: 'STORAGE_PERMISSION_DENIED',
} as const;

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
