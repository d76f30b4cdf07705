import { listEnv, numberEnv, type Env } from '@wxhub/core';

/** What `api` checks before any upstream call, whichever transport reaches A. */
export interface RequestSettings {
  readonly allowed: ReadonlySet<string>;
  readonly maxEventBytes: number;
}

export function readRequestSettings(env: Env): RequestSettings {
  return {
    allowed: new Set(listEnv(env, 'API_ALLOWED_FUNCTIONS')),
    maxEventBytes: numberEnv(env, 'API_MAX_EVENT_BYTES', 64 * 1024),
  };
}
