export { CloudBackend, type CloudBackendOptions } from './cloud-backend';
export { LocalDatabase, type FindOptions } from './local-database';
export { BackendCode, CloudBackendError, type BackendErrorCode } from './backend-error';
export type { ActionContext, ActionHandler, ActionReply, CrossAccountCheck } from './action-types';
export {
  MemoryCollectionStore,
  MemoryDatabaseStore,
  memoryStoreFactory,
  type CollectionStore,
  type CollectionWrites,
  type DatabaseStore,
  type DatabaseStoreFactory,
} from './document-store';
export type { Doc, DocId, PlainObject } from './documents';
export { sdkProcessEnv, applySdkEnv, SDK_ENV_VARIABLES, type SdkEnvOptions, type CallerIdentity, type CrossAccountCaller } from './sdk-env';
