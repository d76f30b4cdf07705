import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import type { Handler } from '../http/router';
import { authorize } from './authorize';
import { wechatError } from '../wechat/errcodes';
import type { WeChatEmulator } from '../wechat/wechat-emulator';
import type { CloudStorage, FileItemCode } from '../storage/cloud-storage';

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
