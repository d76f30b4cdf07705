import { createHash } from 'node:crypto';
import { CloudBackendCode, InvalidArgumentError, type Clock } from '@wxhub/core';
import { DownloadLinks } from './download-links';
import { bucketOf, fileIdOf, parseFileId } from './file-ids';
import { memoryBlobStoreFactory, type BlobStore, type BlobStoreFactory, type StoredFile } from './blob-store';
import { UploadTickets, type UploadTicket } from './upload-tickets';

/**
 * Per-file outcome codes, as the backend reports them inside `download_list` / `delete_list`
 * (wx-server-sdk turns them into -503003, -503002, -501007).
 */
export type FileItemCode = 'SUCCESS' | 'STORAGE_FILE_NONEXIST' | 'STORAGE_EXCEED_AUTHORITY' | 'INVALID_PARAM';

export type TempUrlResult =
  | { readonly fileId: string; readonly code: 'SUCCESS'; readonly url: string; readonly maxAge: number }
  | { readonly fileId: string; readonly code: Exclude<FileItemCode, 'SUCCESS'>; readonly message: string };

export interface DeleteResult {
  readonly fileId: string;
  readonly code: FileItemCode;
  readonly message?: string;
}

/** What an uploader needs: where to send the bytes and the credentials to send with them. */
export interface UploadGrant {
  readonly url: string;
  readonly token: string;
  readonly authorization: string;
  readonly fileId: string;
  readonly cosFileId: string;
  /** The file's unsigned address (the bucket is private: it answers 403 without a signature). */
  readonly downloadUrl: string;
}

export interface CloudStorageOptions {
  readonly envIds: readonly string[];
  readonly clock: Clock;
  /** The local cloud's base URL; known only once it listens, hence a function. */
  readonly publicUrl: () => string;
  /** Storage engine per environment; in-memory by default. */
  readonly blobStoreFactory?: BlobStoreFactory;
  /** Lifetime of a temp URL asked for without max_age. UNCERTAIN on WeChat; 2 hours here. */
  readonly defaultMaxAgeSeconds?: number;
  /** How long upload credentials stay valid. UNCERTAIN on WeChat; 15 minutes here. */
  readonly uploadTicketTtlSeconds?: number;
}

export const DEFAULT_MAX_AGE_SECONDS = 7200;
const DEFAULT_UPLOAD_TICKET_TTL_SECONDS = 900;

/**
 * Cloud storage of the local cloud's environments: the operations behind the SDK's
 * uploadFile / getTempFileURL / downloadFile / deleteFile and the HTTP API's
 * uploadfile / batchdownloadfile / batchdeletefile. The COS-like endpoints that take the
 * uploaded bytes and serve temp URLs (under PREFIX) are an HTTP adapter of it, `cosService` in
 * cos-endpoints.ts, mounted by the composition root (LocalCloud).
 */
export class CloudStorage {
  static readonly PREFIX = '/tcb-storage';

  readonly defaultMaxAgeSeconds: number;
  private readonly stores = new Map<string, BlobStore>();
  private readonly clock: Clock;
  private readonly publicUrl: () => string;
  /** @internal used by the COS endpoints */
  readonly tickets: UploadTickets;
  /** @internal used by the COS endpoints */
  readonly links: DownloadLinks;

  constructor(options: CloudStorageOptions) {
    this.clock = options.clock;
    this.publicUrl = options.publicUrl;
    this.defaultMaxAgeSeconds = options.defaultMaxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
    const factory = options.blobStoreFactory ?? memoryBlobStoreFactory;
    for (const envId of options.envIds) {
      if (!envId) throw new Error('CloudStorage: an environment id must not be empty');
      if (!this.stores.has(envId)) this.stores.set(envId, factory(envId));
    }
    this.tickets = new UploadTickets(this.clock, (options.uploadTicketTtlSeconds ?? DEFAULT_UPLOAD_TICKET_TTL_SECONDS) * 1000);
    this.links = new DownloadLinks(() => `${this.publicUrl()}${CloudStorage.PREFIX}/download`);
  }

  get envIds(): string[] {
    return [...this.stores.keys()];
  }

  fileId(envId: string, path: string): string {
    this.store(envId);
    return fileIdOf(envId, path);
  }

  /** Credentials to upload one path (getUploadMetadata, tcb/uploadfile). */
  prepareUpload(envId: string, path: string): UploadGrant {
    this.store(envId);
    checkPath(path);
    const ticket = this.tickets.issue(envId, path);
    return {
      url: `${this.publicUrl()}${CloudStorage.PREFIX}/upload`,
      token: ticket.token,
      authorization: ticket.authorization,
      fileId: ticket.fileId,
      cosFileId: ticket.cosFileId,
      downloadUrl: this.links.unsigned(envId, path),
    };
  }

  /** @internal the COS endpoints store what a ticket's holder uploaded. */
  acceptUpload(ticket: UploadTicket, content: Buffer, contentType: string | undefined): StoredFile {
    return this.putFile(ticket.envId, ticket.path, content, contentType);
  }

  /** Temp URLs for files of `envId`, each valid for its maxAge (seconds) of clock time. */
  temporaryUrls(envId: string, items: ReadonlyArray<{ fileId: string; maxAgeSeconds?: number }>): TempUrlResult[] {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    return items.map(({ fileId, maxAgeSeconds }) => {
      const found = this.locate(envId, fileId);
      if (!found.ok) return { fileId, code: found.code, message: found.message };
      const maxAge = maxAgeSeconds ?? this.defaultMaxAgeSeconds;
      return { fileId, code: 'SUCCESS', url: this.links.signed(envId, found.path, nowSeconds + maxAge), maxAge };
    });
  }

  deleteFiles(envId: string, fileIds: readonly string[]): DeleteResult[] {
    return fileIds.map((fileId) => {
      const found = this.locate(envId, fileId);
      if (!found.ok) return { fileId, code: found.code, message: found.message };
      this.store(envId).delete(found.path);
      return { fileId, code: 'SUCCESS' };
    });
  }

  /** A stored file by fileID (admin API for tests and tools). */
  read(fileId: string): StoredFile | undefined {
    const ref = parseFileId(fileId);
    if (!ref || !this.stores.has(ref.envId) || ref.bucket !== bucketOf(ref.envId)) return undefined;
    return this.store(ref.envId).get(ref.path);
  }

  /** Stores a file directly (admin API; a page's upload names its uploader as `owner`); returns its fileID. */
  write(envId: string, path: string, content: Buffer, contentType?: string, owner?: string): string {
    this.putFile(envId, path, content, contentType, owner);
    return fileIdOf(envId, path);
  }

  /** The file a fileID names in `envId`, or why there is none (the codes of download_list / delete_list). */
  lookup(envId: string, fileId: string): { ok: true; file: StoredFile } | { ok: false; code: Exclude<FileItemCode, 'SUCCESS'>; message: string } {
    const found = this.locate(envId, fileId);
    if (!found.ok) return found;
    return { ok: true, file: this.store(envId).get(found.path) as StoredFile };
  }

  /** The fileIDs stored in an environment, in upload order. */
  list(envId: string): string[] {
    return this.store(envId)
      .paths()
      .map((path) => fileIdOf(envId, path));
  }

  clear(envId: string): void {
    this.store(envId).clear();
  }

  /** @internal the storage clock's now, for the COS endpoints. */
  nowMs(): number {
    return this.clock.now();
  }

  /** @internal the file a download link names, if its environment and the file exist. */
  stored(envId: string, path: string): StoredFile | undefined {
    return this.stores.get(envId)?.get(path);
  }

  private putFile(envId: string, path: string, content: Buffer, contentType: string | undefined, owner?: string): StoredFile {
    checkPath(path);
    const file: StoredFile = {
      path,
      content,
      // COS keeps the type the uploader declared; without one, a generic binary type.
      contentType: contentType || 'application/octet-stream',
      uploadedAt: this.clock.now(),
      etag: createHash('md5').update(content).digest('hex'),
      ...(owner === undefined ? {} : { owner }),
    };
    this.store(envId).put(file);
    return file;
  }

  private store(envId: string): BlobStore {
    const store = this.stores.get(envId);
    if (!store) throw new Error(`the local cloud has no environment ${envId}`);
    return store;
  }

  private locate(envId: string, fileId: string): { ok: true; path: string } | { ok: false; code: Exclude<FileItemCode, 'SUCCESS'>; message: string } {
    const ref = parseFileId(fileId);
    // A cloud:// id that names no file of ours is a missing file (STORAGE_FILE_NONEXIST, as the
    // real backend answers downloadFile); only what is not a cloud:// id at all is a bad parameter.
    if (!ref) {
      return fileId.startsWith('cloud://')
        ? { ok: false, code: CloudBackendCode.STORAGE_FILE_NONEXIST, message: `file ${fileId} does not exist` }
        : { ok: false, code: CloudBackendCode.INVALID_PARAM, message: `invalid fileID: ${fileId}` };
    }
    if (ref.envId !== envId) {
      return { ok: false, code: CloudBackendCode.STORAGE_EXCEED_AUTHORITY, message: `fileID ${fileId} belongs to env ${ref.envId}, not ${envId}` };
    }
    if (ref.bucket !== bucketOf(envId) || !this.store(envId).get(ref.path)) {
      return { ok: false, code: CloudBackendCode.STORAGE_FILE_NONEXIST, message: `file ${fileId} does not exist` };
    }
    return { ok: true, path: ref.path };
  }
}

function checkPath(path: string): void {
  if (path === '') throw new InvalidArgumentError('cloud path', 'must not be empty');
}
