import { listEnv, optionalEnv, type Env } from '@wxhub/core';

export interface StatusSettings {
  readonly collection: string;
  /** The token cache's collection (access tokens shared by `api`). */
  readonly tokenCollection: string;
  /** Openids allowed to see the status; empty: every user of the mini program. */
  readonly viewers: ReadonlySet<string>;
}

/** From the function's environment variables (set in the console, or by the local cloud). */
export function readStatusSettings(env: Env): StatusSettings {
  return {
    collection: optionalEnv(env, 'SETCONFIG_COLLECTION', 'setconfig'),
    tokenCollection: optionalEnv(env, 'TOKEN_COLLECTION', 'token'),
    viewers: new Set(listEnv(env, 'TOKEN_STATUS_VIEWERS')),
  };
}
