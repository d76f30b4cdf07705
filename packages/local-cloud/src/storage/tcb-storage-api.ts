import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import { parseJsonBody, type EmulatorRequest, type Handler } from '../http/router';
import { wechatError, type WeChatErrorBody } from '../wechat/errcodes';
import type { WeChatEmulator } from '../wechat/wechat-emulator';
import type { CloudStorage, FileItemCode } from './cloud-storage';

export interface TcbStorageDeps {
  readonly wechat: WeChatEmulator;
  readonly apps: readonly AppConfig[];
  readonly clock: Clock;
  readonly storage: CloudStorage;
}

/**
 * Per-file status numbers and texts of the HTTP API's `file_list` / `delete_list` (UNCERTAIN for
 * failures: the numbers and texts are the SDK's own for the same backend codes).
 */
const ITEM_STATUS: Readonly<Record<FileItemCode, { status: number; errmsg: string }>> = {
  SUCCESS: { status: 0, errmsg: 'ok' },
  STORAGE_FILE_NONEXIST: { status: -503003, errmsg: 'storage file not exists' },
  STORAGE_EXCEED_AUTHORITY: { status: -503002, errmsg: 'storage permission denied' },
  INVALID_PARAM: { status: -501007, errmsg: 'invalid parameters' },
};

type Authorized = { readonly ok: true; readonly envId: string; readonly body: Record<string, unknown> } | { readonly ok: false; readonly error: WeChatErrorBody };

/** `POST /tcb/uploadfile {env, path}` → `{url, token, authorization, file_id, cos_file_id}`; then a form POST of the bytes to `url`. */
export function uploadFileApi(deps: TcbStorageDeps): Handler {
  return (request) => {
    const auth = authorize(deps, request);
    if (!auth.ok) return { body: auth.error };
    const path = auth.body.path;
    if (typeof path !== 'string' || path === '') return { body: wechatError(40101, deps.clock.now(), 'missing required parameter: path') };
    const grant = deps.storage.prepareUpload(auth.envId, path);
    return {
      body: {
        errcode: 0,
        errmsg: 'ok',
        url: grant.url,
        token: grant.token,
        authorization: grant.authorization,
        file_id: grant.fileId,
        cos_file_id: grant.cosFileId,
      },
    };
  };
}

/** `POST /tcb/batchdownloadfile {env, file_list:[{fileid, max_age}]}` → `file_list:[{fileid, download_url, status, errmsg}]`. */
export function batchDownloadFileApi(deps: TcbStorageDeps): Handler {
  return (request) => {
    const auth = authorize(deps, request);
    if (!auth.ok) return { body: auth.error };
    const list = auth.body.file_list;
    if (list === undefined) return { body: wechatError(40101, deps.clock.now(), 'missing required parameter: file_list') };
    if (!Array.isArray(list)) return { body: wechatError(40097, deps.clock.now(), 'file_list must be an array') };
    const items: Array<{ fileId: string; maxAgeSeconds?: number }> = [];
    for (const item of list as unknown[]) {
      const entry = item as { fileid?: unknown; max_age?: unknown } | null;
      if (typeof entry !== 'object' || entry === null || typeof entry.fileid !== 'string' || entry.fileid === '') {
        return { body: wechatError(40097, deps.clock.now(), 'each file_list entry needs a fileid') };
      }
      const maxAge = entry.max_age;
      if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge <= 0)) {
        return { body: wechatError(40097, deps.clock.now(), 'max_age must be a positive whole number of seconds') };
      }
      items.push(maxAge === undefined ? { fileId: entry.fileid } : { fileId: entry.fileid, maxAgeSeconds: maxAge });
    }
    const fileList = deps.storage.temporaryUrls(auth.envId, items).map((result) => ({
      fileid: result.fileId,
      download_url: result.code === 'SUCCESS' ? result.url : '',
      ...ITEM_STATUS[result.code],
    }));
    return { body: { errcode: 0, errmsg: 'ok', file_list: fileList } };
  };
}

/** `POST /tcb/batchdeletefile {env, fileid_list}` → `delete_list:[{fileid, status, errmsg}]`. */
export function batchDeleteFileApi(deps: TcbStorageDeps): Handler {
  return (request) => {
    const auth = authorize(deps, request);
    if (!auth.ok) return { body: auth.error };
    const list = auth.body.fileid_list;
    if (list === undefined) return { body: wechatError(40101, deps.clock.now(), 'missing required parameter: fileid_list') };
    if (!Array.isArray(list) || !list.every((fileId): fileId is string => typeof fileId === 'string' && fileId !== '')) {
      return { body: wechatError(40097, deps.clock.now(), 'fileid_list must be an array of fileIDs') };
    }
    const deleteList = deps.storage.deleteFiles(auth.envId, list).map((result) => ({ fileid: result.fileId, ...ITEM_STATUS[result.code] }));
    return { body: { errcode: 0, errmsg: 'ok', delete_list: deleteList } };
  };
}

/** The checks every `tcb/*` storage call shares: POST, a valid token, a JSON body naming an env of the token's app. */
function authorize(deps: TcbStorageDeps, request: EmulatorRequest): Authorized {
  const now = deps.clock.now();
  if (request.method.toUpperCase() !== 'POST') return { ok: false, error: wechatError(43002, now) };
  const auth = deps.wechat.authenticate(request.query);
  if (!auth.ok) return { ok: false, error: { errcode: auth.errcode, errmsg: auth.errmsg } };
  const body = parseJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: wechatError(request.body.length === 0 ? 44002 : 47001, now) };
  }
  const fields = body as Record<string, unknown>;
  const envId = fields.env;
  if (typeof envId !== 'string' || envId === '') return { ok: false, error: wechatError(40101, now, 'missing required parameter: env') };
  const app = deps.apps.find((candidate) => candidate.appid === auth.appid);
  if (!app || app.envId !== envId) {
    // An environment belongs to one mini program; another app's token cannot reach it.
    return { ok: false, error: wechatError(-501000, now, `Environment invalid: env ${envId} does not belong to this app`) };
  }
  return { ok: true, envId, body: fields };
}
