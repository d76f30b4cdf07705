export {
  CloudStorage,
  DEFAULT_MAX_AGE_SECONDS,
  type CloudStorageOptions,
  type DeleteResult,
  type FileItemCode,
  type TempUrlResult,
  type UploadGrant,
} from './cloud-storage';
export { MemoryBlobStore, memoryBlobStoreFactory, type BlobStore, type BlobStoreFactory, type StoredFile } from './blob-store';
export { bucketOf, fileIdOf, parseFileId, type FileRef } from './file-ids';
export { registerStorageActions } from './storage-actions';
export { cosService } from './cos-endpoints';
