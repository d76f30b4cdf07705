export * from './query-builder';
export { CloudHttpClient, type CloudHttpClientOptions, type UploadResult } from './cloud-http-client';
export type { AddResult, CollectionInfo, CollectionList, DeleteResult, DocumentRow, Pager, QueryResult, UpdateResult } from './database-results';
export type { DeletedFile, DownloadLink } from './storage-results';
export { CosUploadError, DEFAULT_UPLOAD_TIMEOUT_MS, type UploadGrant, type UploadOptions } from './storage-upload';
export { parseDocument } from './wire-json';
