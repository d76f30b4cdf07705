export { clientInvocation, type ClientUser } from './client-invocation';
export { ClientCallApi, type ClientCallApiOptions } from './client-call-api';
export { callFunction, CallFunctionError, type CallFunctionOptions } from './call-function-client';
export { CLOUD_FUNCTION_EXECUTION_ERROR, CLIENT_PARAMETER_ERROR } from './client-failures';
export { CLIENT_CALL_OK, type ClientCallRequest, type ClientCallSuccess, type ClientCallFailure } from './types';
export { ClientDatabaseApi, CLIENT_MAX_LIMIT, OPENID_PLACEHOLDER, type ClientDatabaseApiOptions } from './client-database-api';
export { resolveClientTarget, type ClientTarget, type ClientTargetRequest } from './client-target';
export {
  ClientStorageApi,
  type ClientStorageApiOptions,
  type ClientStorageAction,
  type ClientStorageFailure,
  type ClientFileStatus,
} from './client-storage-api';
