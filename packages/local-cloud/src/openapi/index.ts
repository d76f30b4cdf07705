export { ApiTokens, type InvocationContext } from './api-tokens';
export { readOpenApiPermissions } from './function-permissions';
export { TokenIssuingRuntime } from './token-issuing-runtime';
export { OpenApiService, type OpenApiAnswer, type OpenApiCall, type OpenApiMedia, type OpenApiRequest } from './openapi-service';
export { OPENAPI_ERROR, registerOpenApiAction } from './openapi-action';
export { customSendService, HTTP_API_CALLER } from './custom-send-http';
export { encodeCommOpenApiResp, type CommOpenApiResp, type TokenApiData } from './comm-api';
export { ProtoWriter } from './proto-wire';
export type { TokenApiHandler } from './openapi-action';
