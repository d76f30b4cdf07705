import { listEnv, type Env } from '@wxhub/core';

/** What WeChat expects back from cloudbase_auth: errCode 0 admits, anything else refuses. */
export interface AuthAnswer {
  readonly errCode: number;
  readonly errMsg: string;
  /** Custom security rules for pages of the caller (JSON text); none here: B reaches A from its functions only. */
  readonly auth?: string;
}

export const REFUSED = 1;

/**
 * Admits a cross-account caller when its app (FROM_APPID, which WeChat sets) is on
 * CLOUDBASE_AUTH_ALLOWED_APPIDS. Sharing in the console is the first gate; this list is the
 * second, in the owner's own code, so a share added by mistake does not open A's data by itself.
 * An unset list admits nobody.
 */
export function admit(fromAppid: unknown, env: Env): AuthAnswer {
  const allowed = new Set(listEnv(env, 'CLOUDBASE_AUTH_ALLOWED_APPIDS'));
  if (typeof fromAppid !== 'string' || fromAppid === '') return { errCode: REFUSED, errMsg: 'not a cross-account call (no FROM_APPID)' };
  if (!allowed.has(fromAppid)) return { errCode: REFUSED, errMsg: `app ${fromAppid} is not on CLOUDBASE_AUTH_ALLOWED_APPIDS` };
  return { errCode: 0, errMsg: '', auth: JSON.stringify({}) };
}
