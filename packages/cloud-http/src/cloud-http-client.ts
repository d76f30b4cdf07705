import { InvalidArgumentError, ProtocolError } from '@wxhub/core';
import type { WeChatClient } from '@wxhub/wechat';
import type { Dispatcher } from 'undici';
import {
  readCollections,
  readDocuments,
  readIds,
  readPager,
  readUpdate,
  type AddResult,
  type CollectionList,
  type DeleteResult,
  type DocumentRow,
  type QueryResult,
  type UpdateResult,
} from './database-results';
import { numberField, stringField, type Answer } from './responses';
import { readDeletedFiles, readDownloadLinks, readUploadGrant, type DeletedFile, type DownloadLink } from './storage-results';
import { postUploadForm, type UploadOptions } from './storage-upload';

export interface CloudHttpClientOptions {
  /** Calls WeChat's API with the app's access token (and retries once on a rejected one). */
  readonly wechat: Pick<WeChatClient, 'post'>;
  /** The cloud environment id, e.g. 'prod-1a2b3c'. */
  readonly env: string;
  /** Deadline of the byte upload of `upload()` (the form POST to COS); 60 s by default. */
  readonly uploadTimeoutMs?: number;
  /** undici dispatcher for the byte upload; the global one by default. */
  readonly dispatcher?: Dispatcher;
}

export interface UploadResult {
  /** The file's cloud id (`cloud://…`), for downloadUrls/deleteFiles and the mini program. */
  readonly fileId: string;
}

/** Temporary download links live this long unless told otherwise (seconds); WeChat's own default is 1 day. */
const DEFAULT_MAX_AGE_SECONDS = 7200;

/**
 * WeChat's cloud HTTP API (`/tcb/*`) for a server outside WeChat's cloud: functions, database,
 * storage of one environment. Database calls take WeChat's `db.collection(…)…` query text —
 * build it with `queryBuilder` (every value serialised safely) or pass a string for what the
 * builder does not cover; never concatenate user input into one.
 *
 * Failures are typed: a non-zero errcode is a WeChatApiError (`errcode`, `errmsg`), a malformed
 * answer a ProtocolError, a refused byte upload a CosUploadError, transport trouble a
 * NetworkError/TimeoutError.
 */
export class CloudHttpClient {
  private readonly wechat: Pick<WeChatClient, 'post'>;
  readonly env: string;

  constructor(private readonly options: CloudHttpClientOptions) {
    if (!options.env) throw new InvalidArgumentError('env', 'is empty');
    this.wechat = options.wechat;
    this.env = options.env;
  }

  /** `tcb/invokecloudfunction`: runs `name` with `event` (the function sees `userInfo.appId`, no OPENID); the function's result, parsed. */
  async invokeFunction<T = unknown>(name: string, event: Readonly<Record<string, unknown>> = {}): Promise<T> {
    if (!name) throw new InvalidArgumentError('name', 'is empty');
    const api = '/tcb/invokecloudfunction';
    const answer = await this.wechat.post<Answer>(api, event, { env: this.env, name });
    const text = stringField(answer, 'resp_data', api);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ProtocolError(api, 'resp_data is not JSON');
    }
  }

  /** `tcb/databasequery` with a `….get()` query: one page of documents (10 unless `.limit()`), and the pager. */
  async query<T = DocumentRow>(query: string): Promise<QueryResult<T>> {
    const api = '/tcb/databasequery';
    const answer = await this.database(api, query);
    return { data: readDocuments<T>(answer, api), pager: readPager(answer, api) };
  }

  /** `tcb/databaseadd` with a `….add({data})` query: the new documents' ids, in order. */
  async add(query: string): Promise<AddResult> {
    const api = '/tcb/databaseadd';
    return { ids: readIds(await this.database(api, query), api) };
  }

  /** `tcb/databaseupdate` with `….update({data})` (every match of a where) or `….doc(id).set({data})`. */
  async update(query: string): Promise<UpdateResult> {
    const api = '/tcb/databaseupdate';
    return readUpdate(await this.database(api, query), api);
  }

  /** `tcb/databasedelete` with a `….remove()` query. */
  async delete(query: string): Promise<DeleteResult> {
    const api = '/tcb/databasedelete';
    return { deleted: numberField(await this.database(api, query), 'deleted', api) };
  }

  /** `tcb/databasecount` with a `….count()` query. */
  async count(query: string): Promise<number> {
    const api = '/tcb/databasecount';
    return numberField(await this.database(api, query), 'count', api);
  }

  /** `tcb/databaseaggregate` with a `….aggregate()….end()` query: the pipeline's output documents. */
  async aggregate<T = DocumentRow>(query: string): Promise<T[]> {
    const api = '/tcb/databaseaggregate';
    return readDocuments<T>(await this.database(api, query), api);
  }

  async createCollection(name: string): Promise<void> {
    await this.collection('/tcb/databasecollectionadd', name);
  }

  async deleteCollection(name: string): Promise<void> {
    await this.collection('/tcb/databasecollectiondelete', name);
  }

  /** `tcb/databasecollectionget`: collections with their document counts and sizes, a page at a time (10 by default). */
  async listCollections(page: { readonly limit?: number; readonly offset?: number } = {}): Promise<CollectionList> {
    const api = '/tcb/databasecollectionget';
    const answer = await this.wechat.post<Answer>(api, {
      env: this.env,
      ...(page.limit !== undefined ? { limit: page.limit } : {}),
      ...(page.offset !== undefined ? { offset: page.offset } : {}),
    });
    return readCollections(answer, api);
  }

  /**
   * Uploads `content` to `cloudPath` (e.g. 'avatars/u1.png'): `tcb/uploadfile` for the upload
   * link and credentials, then the form POST of the bytes to that link.
   */
  async upload(cloudPath: string, content: Uint8Array, options: UploadOptions = {}): Promise<UploadResult> {
    if (!cloudPath || cloudPath.startsWith('/')) throw new InvalidArgumentError('cloudPath', 'must be a relative path such as "dir/file.png"');
    const api = '/tcb/uploadfile';
    const grant = readUploadGrant(await this.wechat.post<Answer>(api, { env: this.env, path: cloudPath }), api);
    await postUploadForm(grant, cloudPath, content, { ...options, timeoutMs: this.options.uploadTimeoutMs, dispatcher: this.options.dispatcher });
    return { fileId: grant.fileId };
  }

  /** `tcb/batchdownloadfile`: a temporary URL per file, valid `maxAgeSeconds`; per-file failures are in the result (`ok: false`). */
  async downloadUrls(fileIds: readonly string[], maxAgeSeconds = DEFAULT_MAX_AGE_SECONDS): Promise<DownloadLink[]> {
    checkFileIds(fileIds);
    if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) throw new InvalidArgumentError('maxAgeSeconds', 'must be a positive whole number');
    const api = '/tcb/batchdownloadfile';
    const answer = await this.wechat.post<Answer>(api, { env: this.env, file_list: fileIds.map((fileid) => ({ fileid, max_age: maxAgeSeconds })) });
    return readDownloadLinks(answer, api);
  }

  /** `tcb/batchdeletefile`; per-file failures are in the result (`ok: false`). */
  async deleteFiles(fileIds: readonly string[]): Promise<DeletedFile[]> {
    checkFileIds(fileIds);
    const api = '/tcb/batchdeletefile';
    return readDeletedFiles(await this.wechat.post<Answer>(api, { env: this.env, fileid_list: [...fileIds] }), api);
  }

  private database(api: string, query: string): Promise<Answer> {
    if (typeof query !== 'string' || query.trim() === '') throw new InvalidArgumentError('query', 'must be db.collection(…) query text (see queryBuilder)');
    return this.wechat.post<Answer>(api, { env: this.env, query });
  }

  private async collection(api: string, name: string): Promise<void> {
    if (!name) throw new InvalidArgumentError('collection', 'is empty');
    await this.wechat.post<Answer>(api, { env: this.env, collection_name: name });
  }
}

function checkFileIds(fileIds: readonly string[]): void {
  if (fileIds.length === 0) throw new InvalidArgumentError('fileIds', 'is empty');
  if (fileIds.some((id) => typeof id !== 'string' || id === '')) throw new InvalidArgumentError('fileIds', 'must all be non-empty cloud file ids');
}
