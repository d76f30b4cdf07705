import { CloudErrcode } from '@wxhub/core';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Service } from '../http/router';
import type { AppConfig } from '../config';
import { guardStorage, type PagePermissions, type StorageOperation } from '../permissions';
import type { CloudStorage, FileItemCode } from '../storage';
import { fileIdOf } from '../storage/file-ids';
import { MAX_DELETES_PER_CALL, MAX_TEMP_URLS_PER_CALL } from '../storage/storage-actions';
import { resolveClientTarget } from './client-target';

export interface ClientStorageApiOptions {
  readonly apps: readonly AppConfig[];
  readonly storage: Pick<CloudStorage, 'lookup' | 'write' | 'temporaryUrls' | 'deleteFiles'>;
  readonly permissions: PagePermissions;
  readonly clock: { now(): number };
}

export type ClientStorageAction = 'uploadFile' | 'getTempFileURL' | 'downloadFile' | 'deleteFile';

/** What a page's storage call fails with, as `wx.cloud.*` rejects: WeChat's number and a message, never a stack. */
export interface ClientStorageFailure {
  readonly errCode: number;
  readonly errMsg: string;
}

/** One entry of getTempFileURL's / deleteFile's `fileList`: `status` 0 or the file's own failure code. */
export interface ClientFileStatus {
  readonly fileID: string;
  readonly status: number;
  readonly errMsg: string;
  readonly tempFileURL?: string;
  readonly maxAge?: number;
}

/** The client's per-file numbers for the storage backend's per-file codes (the one code table's values). */
const FILE_STATUS: Readonly<Record<Exclude<FileItemCode, 'SUCCESS'>, number>> = {
  STORAGE_FILE_NONEXIST: CloudErrcode.STORAGE_FILE_NOT_EXIST,
  STORAGE_EXCEED_AUTHORITY: CloudErrcode.STORAGE_PERMISSION_DENIED,
  INVALID_PARAM: CloudErrcode.INVALID_PARAMETERS,
};

/**
 * A mini program page's cloud storage, over HTTP: `POST /client/storage {appid|app, env?, openid,
 * action, …}` for what `wx.cloud.uploadFile / getTempFileURL / downloadFile / deleteFile` do, as
 * the caller (`openid`, the identity of the other client endpoints), under the bucket's permission
 * (docs/wechat-facts.md §13): reads (temp URL, download) need `read`, uploads and deletes `write`;
 * the "creator" modes compare the caller with the file's uploader, which a page's upload records
 * (a new path becomes the caller's; a file a function wrote has no uploader, so no page owns it).
 * A refusal is -503002 (`STORAGE_PERMISSION_DENIED`): for the whole call (upload, download) or,
 * as WeChat reports lists, per file in `fileList`.
 *
 * The upload carries its bytes in the request (base64) rather than through the upload-ticket and
 * COS round trip the client SDK makes: what is checked here is who may write, not the transfer,
 * which the server SDK's path (storage-actions, cos-endpoints) already plays byte for byte.
 */
export class ClientStorageApi {
  static readonly PATH = '/storage';
  readonly service: Service;

  constructor(private readonly options: ClientStorageApiOptions) {
    this.service = { prefix: '/client', routes: [{ method: '*', path: ClientStorageApi.PATH, handler: (request) => this.handle(request) }] };
  }

  private handle(request: EmulatorRequest): EmulatorReply {
    if (request.method.toUpperCase() !== 'POST') return failure(405, 'storage', CloudErrcode.INVALID_PARAMETERS, 'use POST with a JSON body');
    const body = parseJsonBody(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return failure(400, 'storage', CloudErrcode.INVALID_PARAMETERS, 'the body must be a JSON object');
    }
    const fields = body as Record<string, unknown>;
    const action = fields.action;
    if (action !== 'uploadFile' && action !== 'getTempFileURL' && action !== 'downloadFile' && action !== 'deleteFile') {
      return failure(400, 'storage', CloudErrcode.INVALID_PARAMETERS, 'action must be uploadFile, getTempFileURL, downloadFile or deleteFile');
    }
    const { appid, app, env, openid } = fields;
    for (const [field, value] of Object.entries({ appid, app, env, openid })) {
      if (value !== undefined && (typeof value !== 'string' || value === ''))
        return failure(400, action, CloudErrcode.INVALID_PARAMETERS, `${field} should be a non-empty String`);
    }
    const target = resolveClientTarget(this.options.apps, {
      appid: appid as string | undefined,
      app: app as string | undefined,
      env: env as string | undefined,
    });
    if (!target.ok) return failure(target.status, action, CloudErrcode.INVALID_ENV_OR_CALLER, target.reason);
    const call = { envId: target.envId, openid: openid as string | undefined, fields };
    switch (action) {
      case 'uploadFile':
        return this.upload(call);
      case 'downloadFile':
        return this.download(call);
      case 'getTempFileURL':
        return this.tempUrls(call);
      case 'deleteFile':
        return this.remove(call);
    }
  }

  private upload({ envId, openid, fields }: Call): EmulatorReply {
    const { cloudPath, content, contentType } = fields;
    if (typeof cloudPath !== 'string' || cloudPath === '' || cloudPath.startsWith('/')) {
      return failure(400, 'uploadFile', CloudErrcode.INVALID_PARAMETERS, 'cloudPath must be a non-empty path not starting with /');
    }
    if (typeof content !== 'string' || (contentType !== undefined && typeof contentType !== 'string')) {
      return failure(400, 'uploadFile', CloudErrcode.INVALID_PARAMETERS, 'content (base64 string) is required; contentType is a string');
    }
    const existing = this.options.storage.lookup(envId, fileIdOf(envId, cloudPath));
    const denied = this.denied(envId, 'write', openid, cloudPath, existing.ok ? existing.file.owner : undefined, !existing.ok);
    if (denied) return failure(200, 'uploadFile', CloudErrcode.STORAGE_PERMISSION_DENIED, denied);
    // An overwrite keeps the file's uploader (only the uploader, or anyone under a rule, may overwrite).
    const owner = existing.ok ? existing.file.owner : openid;
    const fileID = this.options.storage.write(envId, cloudPath, Buffer.from(content, 'base64'), contentType as string | undefined, owner);
    return { body: { fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' } };
  }

  private download({ envId, openid, fields }: Call): EmulatorReply {
    const { fileID } = fields;
    if (typeof fileID !== 'string' || fileID === '') return failure(400, 'downloadFile', CloudErrcode.INVALID_PARAMETERS, 'fileID must be a non-empty string');
    const found = this.options.storage.lookup(envId, fileID);
    if (!found.ok) return failure(200, 'downloadFile', FILE_STATUS[found.code], found.message);
    const denied = this.denied(envId, 'read', openid, found.file.path, found.file.owner, false);
    if (denied) return failure(200, 'downloadFile', CloudErrcode.STORAGE_PERMISSION_DENIED, denied);
    return { body: { content: found.file.content.toString('base64'), contentType: found.file.contentType, statusCode: 200, errMsg: 'cloud.downloadFile:ok' } };
  }

  private tempUrls({ envId, openid, fields }: Call): EmulatorReply {
    const list = fileList(fields.fileList, MAX_TEMP_URLS_PER_CALL, true);
    if (typeof list === 'string') return failure(400, 'getTempFileURL', CloudErrcode.INVALID_PARAMETERS, list);
    const entries = list.map(({ fileID, maxAge }): ClientFileStatus => {
      const checked = this.checkFile(envId, openid, 'read', fileID);
      if (checked) return checked;
      const [url] = this.options.storage.temporaryUrls(envId, [{ fileId: fileID, ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }) }]);
      if (url?.code === 'SUCCESS') return { fileID, tempFileURL: url.url, maxAge: url.maxAge, status: 0, errMsg: 'ok' };
      return { fileID, status: url ? FILE_STATUS[url.code] : CloudErrcode.RESOURCE_SYSTEM_ERROR, errMsg: url?.message ?? 'no answer for the file' };
    });
    return { body: { fileList: entries, errMsg: 'cloud.getTempFileURL:ok' } };
  }

  private remove({ envId, openid, fields }: Call): EmulatorReply {
    const list = fileList(fields.fileList, MAX_DELETES_PER_CALL, false);
    if (typeof list === 'string') return failure(400, 'deleteFile', CloudErrcode.INVALID_PARAMETERS, list);
    const entries = list.map(({ fileID }): ClientFileStatus => {
      const checked = this.checkFile(envId, openid, 'write', fileID);
      if (checked) return checked;
      const [deleted] = this.options.storage.deleteFiles(envId, [fileID]);
      return deleted && deleted.code !== 'SUCCESS'
        ? { fileID, status: FILE_STATUS[deleted.code], errMsg: deleted.message ?? '' }
        : { fileID, status: 0, errMsg: 'ok' };
    });
    return { body: { fileList: entries, errMsg: 'cloud.deleteFile:ok' } };
  }

  /** A list entry's failure (missing file, refused), or undefined when the page may go on. */
  private checkFile(envId: string, openid: string | undefined, operation: StorageOperation, fileID: string): ClientFileStatus | undefined {
    const found = this.options.storage.lookup(envId, fileID);
    if (!found.ok) return { fileID, status: FILE_STATUS[found.code], errMsg: found.message };
    const denied = this.denied(envId, operation, openid, found.file.path, found.file.owner, false);
    return denied ? { fileID, status: CloudErrcode.STORAGE_PERMISSION_DENIED, errMsg: `STORAGE_PERMISSION_DENIED: ${denied}` } : undefined;
  }

  /** Why the bucket's permission refuses this, or undefined when it allows it. */
  private denied(
    envId: string,
    operation: StorageOperation,
    openid: string | undefined,
    path: string,
    owner: string | undefined,
    creating: boolean,
  ): string | undefined {
    const decision = guardStorage(this.options.permissions.storage(envId), { operation, openid, path, owner, creating, now: this.options.clock.now() });
    return decision.allowed ? undefined : decision.reason;
  }
}

interface Call {
  readonly envId: string;
  readonly openid: string | undefined;
  readonly fields: Record<string, unknown>;
}

function failure(status: number, action: ClientStorageAction | 'storage', errCode: number, reason: string): EmulatorReply {
  const body: ClientStorageFailure = { errCode, errMsg: `cloud.${action}:fail ${errCode} ${reason}` };
  return { status, body };
}

/** `fileList` as the client takes it: fileIDs, or (getTempFileURL) `{fileID, maxAge}`; at most `max`. */
function fileList(value: unknown, max: number, withMaxAge: boolean): Array<{ fileID: string; maxAge?: number }> | string {
  if (!Array.isArray(value) || value.length === 0) return 'fileList must be a non-empty array';
  if (value.length > max) return `fileList holds ${value.length} files; at most ${max} per call`;
  const entries: Array<{ fileID: string; maxAge?: number }> = [];
  for (const [i, entry] of value.entries()) {
    if (typeof entry === 'string' && entry !== '') {
      entries.push({ fileID: entry });
      continue;
    }
    const object = withMaxAge && typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
    if (!object || typeof object.fileID !== 'string' || object.fileID === '')
      return `fileList[${i}] must be a fileID${withMaxAge ? ' or {fileID, maxAge}' : ''}`;
    if (object.maxAge !== undefined && (typeof object.maxAge !== 'number' || !Number.isInteger(object.maxAge) || object.maxAge <= 0)) {
      return `fileList[${i}].maxAge must be a positive whole number of seconds`;
    }
    entries.push({ fileID: object.fileID, ...(object.maxAge === undefined ? {} : { maxAge: object.maxAge as number }) });
  }
  return entries;
}
