import { ConfigError, listEnv, numberEnv, optionalEnv, requireEnv, type Env } from '@wxhub/core';

export interface ApiSettings {
  /** Mini program A: the app whose functions are called, its secret (for its access token) and env. */
  readonly targetAppid: string;
  readonly targetSecret: string;
  readonly targetEnv: string;
  readonly allowed: ReadonlySet<string>;
  readonly wechatApiBase: string;
  /** `stable` (cgi-bin/stable_token, the default: does not disturb A's other token users) or `client_credential`. */
  readonly tokenEndpoint: 'stable' | 'client_credential';
  readonly tokenCollection: string;
  readonly maxEventBytes: number;
  readonly upstreamTimeoutMs: number;
}

export function readApiSettings(env: Env): ApiSettings {
  const endpoint = optionalEnv(env, 'A_TOKEN_ENDPOINT', 'stable');
  if (endpoint !== 'stable' && endpoint !== 'client_credential') throw new ConfigError('A_TOKEN_ENDPOINT', "must be 'stable' or 'client_credential'");
  return {
    targetAppid: requireEnv(env, 'A_APPID'),
    targetSecret: requireEnv(env, 'A_APPSECRET'),
    targetEnv: requireEnv(env, 'A_ENV'),
    allowed: new Set(listEnv(env, 'API_ALLOWED_FUNCTIONS')),
    wechatApiBase: optionalEnv(env, 'WECHAT_API_BASE', 'https://api.weixin.qq.com'),
    tokenEndpoint: endpoint,
    tokenCollection: optionalEnv(env, 'TOKEN_COLLECTION', 'token'),
    maxEventBytes: numberEnv(env, 'API_MAX_EVENT_BYTES', 64 * 1024),
    // invokecloudfunction gives A's function 5 s; leave room for the answer to travel.
    upstreamTimeoutMs: numberEnv(env, 'API_UPSTREAM_TIMEOUT_MS', 6000),
  };
}
