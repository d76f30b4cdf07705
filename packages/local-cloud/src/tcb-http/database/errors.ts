import { QueryParseError } from '../../db-query';
import { BackendCode, CloudBackendError, type BackendErrorCode } from '../../sdk-backend/backend-error';
import { wechatError, type WeChatErrorBody } from '../../wechat/errcodes';

/**
 * The backend's string codes as the HTTP API numbers them — wx-server-sdk's own table, so a
 * refusal reads the same through `tcb/database*` as through `db.collection(…)` in a function:
 * `-502005 database collection not exists. [ResourceNotFound] Db or Table not exist: users. …`.
 * Codes that table lacks (collection already exists, invalid env…) are -501001 there too.
 */
const CLOUD_ERRCODES: Readonly<Record<BackendErrorCode, { errcode: number; text: string }>> = {
  [BackendCode.INVALID_PARAM]: { errcode: -501007, text: 'invalid parameters' },
  [BackendCode.DATABASE_REQUEST_FAILED]: { errcode: -502001, text: 'database request fail' },
  [BackendCode.DATABASE_COLLECTION_NOT_EXIST]: { errcode: -502005, text: 'database collection not exists' },
  [BackendCode.INVALID_ENV]: { errcode: -501001, text: 'resource system error' },
  [BackendCode.INVALID_ACTION]: { errcode: -501001, text: 'resource system error' },
  [BackendCode.DATABASE_COLLECTION_ALREADY_EXIST]: { errcode: -501001, text: 'resource system error' },
  [BackendCode.DATABASE_TRANSACTION_CONFLICT]: { errcode: -501001, text: 'resource system error' },
};

/** The error body for a refusal the database or the query parser made; undefined for anything else (a bug: let it surface). */
export function databaseErrorBody(error: unknown, nowMs: number): WeChatErrorBody | undefined {
  if (error instanceof QueryParseError) return wechatError(error.errcode, nowMs, error.errmsg);
  if (error instanceof CloudBackendError) {
    const { errcode, text } = CLOUD_ERRCODES[error.code];
    return wechatError(errcode, nowMs, `${text}. ${error.message}`);
  }
  return undefined;
}
