import { ConfigError, optionalEnv, type Env } from '@wxhub/core';
import type { CloudDatabase } from '@wxhub/token-cache';
import { functionTimeoutMs, planBudget } from './budget';
import { Forwarder } from './forward';
import { readApiSettings } from './settings';
import { readSharedSettings, SharedTransport, type CrossAccountSdk } from './shared-transport';

/** How `api` reaches mini program A: its one job is choosing, from API_TRANSPORT. */
export interface Transport {
  /** `startedAt`: when the invocation began, so a time budget counts the function's own time only. */
  invoke(func: string, event: Readonly<Record<string, unknown>>, startedAt: number): Promise<unknown>;
}

export type TransportKind = 'http' | 'shared';

export function readTransportKind(env: Env): TransportKind {
  const kind = optionalEnv(env, 'API_TRANSPORT', 'http');
  if (kind !== 'http' && kind !== 'shared')
    throw new ConfigError('API_TRANSPORT', "must be 'http' (WeChat's HTTP API with A's token) or 'shared' (cross-account sharing)");
  return kind;
}

/**
 * `http` (the default): WeChat's tcb/invokecloudfunction with A's access token from the token
 * cache, which needs A's appsecret in B. `shared`: cross-account sharing, which needs A to share
 * its environment with B and no secret.
 */
export function createTransport(env: Env, sdk: CrossAccountSdk & { database(): unknown }, functionDir: string): Transport {
  if (readTransportKind(env) === 'shared') return new SharedTransport(readSharedSettings(env), sdk);
  const settings = readApiSettings(env);
  return new Forwarder({
    settings,
    budget: planBudget(functionTimeoutMs(functionDir), settings.upstreamTimeoutMs),
    db: sdk.database() as CloudDatabase,
  });
}
