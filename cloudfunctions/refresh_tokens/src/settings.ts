import { ConfigError, jsonEnv, numberEnv, optionalEnv, type Env } from '@wxhub/core';

/** One third-party credential to keep fresh, stored under `configName` in `setconfig`. */
export interface ThirdPartyToken {
  readonly configName: string;
  readonly provider: 'baidu';
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface RefreshSettings {
  readonly tokens: readonly ThirdPartyToken[];
  readonly baiduApiBase: string;
  /** Refresh when less than this is left. */
  readonly marginMs: number;
  readonly timeoutMs: number;
  readonly collection: string;
}

const CONFIG_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Read from the function's environment variables (set in the console, or by the local cloud):
 * THIRD_PARTY_TOKENS = JSON `[{"config_name","provider":"baidu","client_id","client_secret"}]`.
 */
export function readSettings(env: Env): RefreshSettings {
  return {
    tokens: jsonEnv(env, 'THIRD_PARTY_TOKENS', parseTokens),
    baiduApiBase: optionalEnv(env, 'BAIDU_API_BASE', 'https://aip.baidubce.com'),
    marginMs: numberEnv(env, 'REFRESH_MARGIN_SECONDS', 3 * 24 * 3600) * 1000,
    timeoutMs: numberEnv(env, 'UPSTREAM_TIMEOUT_MS', 5000),
    collection: optionalEnv(env, 'SETCONFIG_COLLECTION', 'setconfig'),
  };
}

function parseTokens(value: unknown): ThirdPartyToken[] {
  if (!Array.isArray(value)) throw new ConfigError('THIRD_PARTY_TOKENS', 'must be a JSON array');
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const where = `THIRD_PARTY_TOKENS[${index}]`;
    const configName = entry.config_name;
    if (typeof configName !== 'string' || !CONFIG_NAME.test(configName)) throw new ConfigError(where, 'config_name must be 1-64 letters, digits, _ . -');
    if (seen.has(configName)) throw new ConfigError(where, `config_name ${configName} appears twice`);
    seen.add(configName);
    if (entry.provider !== 'baidu') throw new ConfigError(where, "provider must be 'baidu'");
    if (typeof entry.client_id !== 'string' || !entry.client_id) throw new ConfigError(where, 'client_id is missing');
    if (typeof entry.client_secret !== 'string' || !entry.client_secret) throw new ConfigError(where, 'client_secret is missing');
    return { configName, provider: 'baidu', clientId: entry.client_id, clientSecret: entry.client_secret };
  });
}
