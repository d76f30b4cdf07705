export {
  CloudStorage,
  DEFAULT_MAX_AGE_SECONDS,
  type CloudStorageOptions,
  type DeleteResult,
  type FileItemCode,
  type TempUrlResult,
  type UploadGrant,
} from './cloud-storage';
export { MemoryFileStore, memoryFileStoreFactory, type FileStore, type FileStoreFactory, type StoredFile } from './file-store';
export { bucketOf, fileIdOf, parseFileId, type FileRef } from './file-ids';
export { registerStorageActions } from './storage-actions';
export { cosService } from './cos-endpoints';
