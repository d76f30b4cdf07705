import { arrayField, numberField, objectItem, stringField, type Answer } from './responses';
import type { UploadGrant } from './storage-upload';

/** One file of `batchdownloadfile`: a temporary URL, or why there is none (`status` ≠ 0). */
export interface DownloadLink {
  readonly fileId: string;
  readonly ok: boolean;
  /** '' when `ok` is false. */
  readonly url: string;
  /** 0, or the cloud's errcode for this file (-503003 not found, …). */
  readonly status: number;
  readonly errmsg: string;
}

/** One file of `batchdeletefile`. */
export interface DeletedFile {
  readonly fileId: string;
  readonly ok: boolean;
  readonly status: number;
  readonly errmsg: string;
}

export function readUploadGrant(answer: Answer, api: string): UploadGrant {
  return {
    url: stringField(answer, 'url', api),
    token: stringField(answer, 'token', api),
    authorization: stringField(answer, 'authorization', api),
    fileId: stringField(answer, 'file_id', api),
    cosFileId: stringField(answer, 'cos_file_id', api),
  };
}

export function readDownloadLinks(answer: Answer, api: string): DownloadLink[] {
  return arrayField(answer, 'file_list', api).map((item, i) => {
    const entry = objectItem(item, `file_list[${i}]`, api);
    const status = numberField(entry, 'status', api);
    return {
      fileId: stringField(entry, 'fileid', api),
      ok: status === 0,
      url: typeof entry.download_url === 'string' ? entry.download_url : '',
      status,
      errmsg: typeof entry.errmsg === 'string' ? entry.errmsg : '',
    };
  });
}

export function readDeletedFiles(answer: Answer, api: string): DeletedFile[] {
  return arrayField(answer, 'delete_list', api).map((item, i) => {
    const entry = objectItem(item, `delete_list[${i}]`, api);
    const status = numberField(entry, 'status', api);
    return { fileId: stringField(entry, 'fileid', api), ok: status === 0, status, errmsg: typeof entry.errmsg === 'string' ? entry.errmsg : '' };
  });
}
