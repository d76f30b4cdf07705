import { optionalEnum, requiredString } from '../sdk-backend/action-params';
import type { ActionContext, ActionReply } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { isPlainObject } from '../sdk-backend/documents';
import type { CloudStorage } from './cloud-storage';

/** WeChat's limit on getTempFileURL: "一次最多取 50 个". */
export const MAX_TEMP_URLS_PER_CALL = 50;
/** deleteFile's limit: more than 50 ids is INVALID_PARAM, as node-sdk's own tests expect of the backend. */
export const MAX_DELETES_PER_CALL = 50;

/**
 * The `storage.*` actions of the SDK backend protocol (@cloudbase/node-sdk 3.17.2, storage/index):
 * - getUploadMetadata `{path, method:'put'}` → `data {url, token, authorization, fileId, cosFileId, download_url}`;
 *   the SDK then PUTs the bytes to `url` and answers `{fileID: fileId}`.
 * - batchGetDownloadUrl `{file_list:[{fileid, max_age?, url_type?}]}` → `data.download_list:
 *   [{fileID, tempFileURL, code:'SUCCESS', maxAge}]`; a file that cannot be served gets its own
 *   code (STORAGE_FILE_NONEXIST...) and an empty tempFileURL. downloadFile asks for maxAge 600
 *   and GETs the URL.
 * - batchDeleteFile `{fileid_list}` → `data.delete_list: [{fileID, code}]`.
 */
export function registerStorageActions(backend: CloudBackend, storage: CloudStorage): void {
  backend.registerAction('storage.getUploadMetadata', (ctx) => getUploadMetadata(storage, ctx));
  backend.registerAction('storage.batchGetDownloadUrl', (ctx) => batchGetDownloadUrl(storage, ctx));
  backend.registerAction('storage.batchDeleteFile', (ctx) => batchDeleteFile(storage, ctx));
}

function getUploadMetadata(storage: CloudStorage, ctx: ActionContext): ActionReply {
  const path = requiredString(ctx.params, 'path');
  optionalEnum(ctx.params, 'method', ['put', 'post']);
  const grant = storage.prepareUpload(ctx.envId, path);
  return {
    data: {
      url: grant.url,
      token: grant.token,
      authorization: grant.authorization,
      fileId: grant.fileId,
      cosFileId: grant.cosFileId,
      download_url: grant.downloadUrl,
    },
  };
}

function batchGetDownloadUrl(storage: CloudStorage, ctx: ActionContext): ActionReply {
  const list = ctx.params.file_list;
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('file_list must be a non-empty array');
  if (list.length > MAX_TEMP_URLS_PER_CALL) throw invalidParam(`file_list has ${list.length} files; at most ${MAX_TEMP_URLS_PER_CALL} per call`);
  const items = list.map((item: unknown, i) => {
    if (!isPlainObject(item) || typeof item.fileid !== 'string' || item.fileid === '') {
      throw invalidParam(`file_list[${i}].fileid must be a non-empty string`);
    }
    const maxAge = item.max_age;
    if (maxAge === undefined || maxAge === null) return { fileId: item.fileid };
    if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge <= 0) {
      throw invalidParam(`file_list[${i}].max_age must be a positive whole number of seconds`);
    }
    return { fileId: item.fileid, maxAgeSeconds: maxAge };
  });
  const downloadList = storage
    .temporaryUrls(ctx.envId, items)
    .map((result) =>
      result.code === 'SUCCESS'
        ? { fileID: result.fileId, tempFileURL: result.url, code: 'SUCCESS', maxAge: result.maxAge }
        : { fileID: result.fileId, tempFileURL: '', code: result.code, message: result.message },
    );
  return { data: { download_list: downloadList } };
}

function batchDeleteFile(storage: CloudStorage, ctx: ActionContext): ActionReply {
  const list = ctx.params.fileid_list;
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('fileid_list must be a non-empty array');
  if (list.length > MAX_DELETES_PER_CALL) throw invalidParam(`fileid_list has ${list.length} files; at most ${MAX_DELETES_PER_CALL} per call`);
  const fileIds = list.map((fileId: unknown, i) => {
    if (typeof fileId !== 'string' || fileId === '') throw invalidParam(`fileid_list[${i}] must be a non-empty string`);
    return fileId;
  });
  const deleteList = storage
    .deleteFiles(ctx.envId, fileIds)
    .map((result) =>
      result.code === 'SUCCESS' ? { fileID: result.fileId, code: 'SUCCESS' } : { fileID: result.fileId, code: result.code, message: result.message },
    );
  return { data: { delete_list: deleteList } };
}
