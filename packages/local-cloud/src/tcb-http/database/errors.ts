import { cloudErrcodeOf } from '@wxhub/core';
import { QueryParseError } from '../../db-query';
import { CloudBackendError } from '../../sdk-backend/backend-error';
import { wechatErrmsg, wechatError, type WeChatErrorBody } from '../../wechat/errcodes';

/*
 * The backend's string codes are numbered by @wxhub/core's table (wx-server-sdk's own), so a
 * refusal reads the same through `tcb/database*` as through `db.collection(…)` in a function:
 * `-502005 database collection not exists. [ResourceNotFound] Db or Table not exist: users. …`.
 */

/** The error body for a refusal the database or the query parser made; undefined for anything else (a bug: let it surface). */
export function databaseErrorBody(error: unknown, nowMs: number): WeChatErrorBody | undefined {
  if (error instanceof QueryParseError) return wechatError(error.errcode, nowMs, error.errmsg);
  if (error instanceof CloudBackendError) {
    const errcode = cloudErrcodeOf(error.code);
    return wechatError(errcode, nowMs, `${wechatErrmsg(errcode) ?? 'error'}. ${error.message}`);
  }
  return undefined;
}
