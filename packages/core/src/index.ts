export { ConfigError, HttpStatusError, InvalidArgumentError, isTransient, NetworkError, ProtocolError, TimeoutError, WxhubError } from './errors';
export { mask, redactUrl, scrub, SECRET_FIELDS } from './mask';
export { ManualClock, systemClock, type Clock } from './clock';
export { backoffDelay, retry, type RetryOptions } from './retry';
export { buildUrl, DEFAULT_TIMEOUT_MS, requestJson, type JsonRequest, type JsonResponse, type QueryValue } from './http';
export { readJsonObjectFile } from './json-file';
export { jsonEnv, listEnv, numberEnv, optionalEnv, requireEnv, type Env } from './env';
export {
  CLOUD_BACKEND_CODES,
  CloudErrcode,
  cloudErrcodeOf,
  databaseErrorCode,
  isDuplicateKey,
  isMissingCollection,
  isTokenRejected,
  isTransientErrcode,
  wechatCode,
  WeChatErrcode,
  CloudBackendCode,
  type CloudBackendCodeValue,
  type CloudErrcodeValue,
  type WeChatCodeInfo,
  type WeChatErrcodeValue,
} from './wechat-codes';
