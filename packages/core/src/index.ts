export { ConfigError, HttpStatusError, InvalidArgumentError, isTransient, NetworkError, ProtocolError, TimeoutError, WxhubError } from './errors';
export { mask, redactUrl, scrub, SECRET_FIELDS } from './mask';
export { ManualClock, systemClock, type Clock } from './clock';
export { retry, type RetryOptions } from './retry';
export { buildUrl, DEFAULT_TIMEOUT_MS, requestJson, type JsonRequest, type JsonResponse, type QueryValue } from './http';
export { jsonEnv, listEnv, numberEnv, optionalEnv, requireEnv, type Env } from './env';
