import { requireEnv, wechatCode, type Env } from '@wxhub/core';
import { ErrorCode, ReplyError } from '@wxhub/function-kit';

/** The part of wx-server-sdk this transport uses: `new cloud.Cloud({resourceAppid, resourceEnv})`. */
export interface CrossAccountSdk {
  Cloud: new (options: { resourceAppid: string; resourceEnv: string }) => {
    init(): Promise<void>;
    callFunction(param: { name: string; data: Record<string, unknown> }): Promise<{ result?: unknown }>;
  };
}

export interface SharedSettings {
  /** Mini program A, whose environment is shared with this one (环境共享). No secret: WeChat vouches for B. */
  readonly targetAppid: string;
  readonly targetEnv: string;
}

export function readSharedSettings(env: Env): SharedSettings {
  return { targetAppid: requireEnv(env, 'A_APPID'), targetEnv: requireEnv(env, 'A_ENV') };
}

/**
 * Calls A's functions through cross-account sharing: no appsecret of A and no token cache in B.
 * A's function sees the user as FROM_OPENID / FROM_APPID / FROM_UNIONID.
 *
 * A new Cloud instance per call, on purpose: `init()` fetches the cross-account credential for
 * the invocation that runs it, and WeChat's credential carries that invocation's user. An
 * instance kept across warm invocations would call A as the first user it was made for.
 */
export class SharedTransport {
  constructor(
    private readonly settings: SharedSettings,
    private readonly sdk: CrossAccountSdk,
  ) {}

  async invoke(func: string, event: Readonly<Record<string, unknown>>): Promise<unknown> {
    const shared = new this.sdk.Cloud({ resourceAppid: this.settings.targetAppid, resourceEnv: this.settings.targetEnv });
    try {
      await shared.init();
    } catch (error) {
      throw sharedFailure(`reaching the environment ${this.settings.targetEnv} of mini program A`, error);
    }
    try {
      const { result } = await shared.callFunction({ name: func, data: { ...event } });
      return result ?? null;
    } catch (error) {
      throw sharedFailure(`calling ${func} of mini program A`, error);
    }
  }
}

/** -3001 with the SDK's errCode kept in data.errcode; the table's meaning when the code is known. */
function sharedFailure(what: string, error: unknown): ReplyError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  const errcode = typeof record.errCode === 'number' ? record.errCode : -1;
  const detail = wechatCode(errcode)?.meaning ?? String(record.errMsg ?? record.message ?? error);
  return new ReplyError(ErrorCode.UPSTREAM_FAILED, `${what} failed (${errcode}): ${detail}`, { errcode });
}
