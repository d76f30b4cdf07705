import { WxhubError, type Clock } from '@wxhub/core';
import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { CloudDatabaseStore, TokenCache, type CloudDatabase } from '@wxhub/token-cache';
import { clientCredentialProvider, stableTokenProvider, tokenSource, WeChatApiError, WeChatClient } from '@wxhub/wechat';
import type { ApiSettings } from './settings';

/** `timeout` of config.json, in ms. */
const API_TIMEOUT_MS = 10_000;

interface InvokeAnswer {
  readonly resp_data?: string;
}

/**
 * Calls mini program A's functions through WeChat's `tcb/invokecloudfunction`, with A's access
 * token from the cache shared by every instance of this environment (the `token` collection).
 * Built once per warm instance, so a warm call serves the token from memory.
 */
export class Forwarder {
  private readonly client: WeChatClient;

  constructor(
    private readonly settings: ApiSettings,
    db: CloudDatabase,
    clock?: Clock,
  ) {
    const providerOptions = {
      appid: settings.targetAppid,
      secret: settings.targetSecret,
      baseUrl: settings.wechatApiBase,
      timeoutMs: settings.upstreamTimeoutMs,
      clock,
    };
    const provider = settings.tokenEndpoint === 'stable' ? stableTokenProvider(providerOptions) : clientCredentialProvider(providerOptions);
    const cache = new TokenCache({
      store: new CloudDatabaseStore({ db, collection: settings.tokenCollection }),
      providers: { [settings.targetAppid]: provider },
      // No longer than the function's own time limit (config.json: 10 s): a holder killed at its
      // timeout then blocks the other instances no longer than that.
      leaseMs: API_TIMEOUT_MS,
      clock,
    });
    this.client = new WeChatClient({
      baseUrl: settings.wechatApiBase,
      tokens: tokenSource(cache, settings.targetAppid),
      appid: settings.targetAppid,
      timeoutMs: settings.upstreamTimeoutMs,
    });
  }

  /** A's result, parsed from `resp_data`; a failure of the call answers -3001 with A's errcode kept. */
  async invoke(func: string, event: Readonly<Record<string, unknown>>): Promise<unknown> {
    let answer: InvokeAnswer;
    try {
      answer = await this.client.post<InvokeAnswer>('/tcb/invokecloudfunction', event, { env: this.settings.targetEnv, name: func });
    } catch (error) {
      throw upstreamFailure(func, error);
    }
    return parseRespData(answer.resp_data);
  }
}

function upstreamFailure(func: string, error: unknown): ReplyError {
  if (error instanceof WeChatApiError) {
    return new ReplyError(ErrorCode.UPSTREAM_FAILED, `calling ${func} of mini program A failed: ${error.message}`, { errcode: error.errcode });
  }
  if (error instanceof WxhubError) {
    return new ReplyError(ErrorCode.UPSTREAM_FAILED, `calling ${func} of mini program A failed: ${error.message}`, { errcode: error.code });
  }
  throw error;
}

/** `resp_data` is the JSON text of what A's function returned (a bare string when it was not JSON). */
function parseRespData(respData: string | undefined): unknown {
  if (respData === undefined || respData === '') return null;
  try {
    return JSON.parse(respData);
  } catch {
    return respData;
  }
}
