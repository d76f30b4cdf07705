import { scrub, WxhubError, type Clock } from '@wxhub/core';
import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { CloudDatabaseStore, TokenCache, type CloudDatabase, type TokenCacheEvent, type TokenKeyStats } from '@wxhub/token-cache';
import { clientCredentialProvider, stableTokenProvider, tokenSource, WeChatApiError, WeChatClient, type TokenSource } from '@wxhub/wechat';
import type { ApiBudget } from './budget';
import type { ApiSettings } from './settings';
import { logTokenEvent } from './token-log';

/** Credentials in query strings or JSON an upstream message may quote (besides the known secret). */
const CREDENTIAL = /\b(access_token|appsecret|secret|client_secret|refresh_token|session_key)(["']?\s*[=:]\s*["']?)[^\s&"',}]+/gi;

export interface ForwarderOptions {
  readonly settings: ApiSettings;
  readonly budget: ApiBudget;
  readonly db: CloudDatabase;
  readonly clock?: Clock;
  /** Where the structured token lines go; console.log by default. */
  readonly onEvent?: (event: TokenCacheEvent) => void;
}

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
  private readonly cache: TokenCache;
  private readonly settings: ApiSettings;
  private readonly budget: ApiBudget;
  /** What the current invocation is waiting for, named in a -3001 when the budget runs out. */
  private phase: 'the access token' | 'tcb/invokecloudfunction' = 'the access token';

  constructor(options: ForwarderOptions) {
    const { settings, budget, db, clock } = options;
    this.settings = settings;
    this.budget = budget;
    const providerOptions = {
      appid: settings.targetAppid,
      secret: settings.targetSecret,
      baseUrl: settings.wechatApiBase,
      timeoutMs: budget.tokenRequestMs,
      clock,
    };
    const provider = settings.tokenEndpoint === 'stable' ? stableTokenProvider(providerOptions) : clientCredentialProvider(providerOptions);
    this.cache = new TokenCache({
      store: new CloudDatabaseStore({ db, collection: settings.tokenCollection }),
      providers: { [settings.targetAppid]: provider },
      // The cache's default short lease (renewed while the holder lives) and its wait cut to
      // this function's budget: a caller is answered before the platform's timeout.
      maxWaitMs: budget.tokenWaitMs,
      // One attempt per request: a failure is remembered in the store and every instance backs off.
      retry: { attempts: 1 },
      clock,
      onEvent: options.onEvent ?? ((event) => logTokenEvent('api', event)),
    });
    const tokens = tokenSource(this.cache, settings.targetAppid);
    const tracked: TokenSource = {
      get: async () => {
        this.phase = 'the access token';
        const token = await tokens.get();
        this.phase = 'tcb/invokecloudfunction';
        return token;
      },
      invalidate: (rejected) => {
        this.phase = 'the access token';
        return tokens.invalidate(rejected);
      },
    };
    this.client = new WeChatClient({ baseUrl: settings.wechatApiBase, tokens: tracked, appid: settings.targetAppid, timeoutMs: budget.upstreamRequestMs });
  }

  /** The token cache's counters (for the structured log and tests). */
  stats(): Record<string, TokenKeyStats> {
    return this.cache.stats();
  }

  /**
   * A's result, parsed from `resp_data`. A failure of the call, or running out of the budget
   * counted from `startedAt` (the invocation's start), answers -3001 naming the cause, with
   * A's errcode (or the token error's code) kept; no secret is quoted.
   */
  async invoke(func: string, event: Readonly<Record<string, unknown>>, startedAt: number = Date.now()): Promise<unknown> {
    const call = this.client.post<InvokeAnswer>('/tcb/invokecloudfunction', event, { env: this.settings.targetEnv, name: func });
    let timer: NodeJS.Timeout | undefined;
    const remaining = Math.max(0, this.budget.totalMs - (Date.now() - startedAt));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BudgetSpent(this.phase, this.budget)), remaining);
    });
    let answer: InvokeAnswer;
    try {
      answer = await Promise.race([call, deadline]);
    } catch (error) {
      call.catch(() => undefined); // answered already; its late failure is of no one's interest
      throw this.upstreamFailure(func, error);
    } finally {
      clearTimeout(timer);
    }
    return parseRespData(answer.resp_data);
  }

  private upstreamFailure(func: string, error: unknown): ReplyError {
    const scrubbed = (message: string) => scrub(message, [this.settings.targetSecret]).replace(CREDENTIAL, '$1$2***');
    if (error instanceof WeChatApiError) {
      return new ReplyError(ErrorCode.UPSTREAM_FAILED, `calling ${func} of mini program A failed: ${scrubbed(error.message)}`, { errcode: error.errcode });
    }
    if (error instanceof WxhubError) {
      const upstream = (error as { upstreamCode?: unknown }).upstreamCode;
      return new ReplyError(ErrorCode.UPSTREAM_FAILED, `calling ${func} of mini program A failed: ${scrubbed(error.message)}`, {
        errcode: error.code,
        ...(typeof upstream === 'string' ? { upstream_code: upstream } : {}),
      });
    }
    throw error;
  }
}

/** The invocation's budget ran out while waiting for `phase`. */
class BudgetSpent extends WxhubError {
  readonly code = 'API_TIME_BUDGET';
  readonly transient = true;
  constructor(phase: string, budget: ApiBudget) {
    super(`no answer within api's ${budget.totalMs} ms budget (function timeout ${budget.functionTimeoutMs} ms): still waiting for ${phase}`);
  }
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
