import { InvalidArgumentError, buildUrl, redactUrl, requestJson, type JsonRequest, type QueryValue } from '@wxhub/core';
import { WeChatApiError, isTokenRejected } from './errors';
import { interpretResponse } from './response';

/**
 * Where the client gets its access token. Structural, so the client does not depend on the
 * cache's class: `tokenSource(cache, key)` adapts a TokenCache, tests pass a small fake.
 */
export interface TokenSource {
  get(): Promise<string>;
  /** The token WeChat rejected; the source drops it only if it is still the one it holds. */
  invalidate(rejected: string): Promise<unknown>;
}

export interface WeChatClientOptions {
  /** WeChat's API origin, e.g. 'https://api.weixin.qq.com' or the local cloud's `wechatApiBase`. */
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  /** The mini program the tokens belong to, named (masked) in errors. */
  readonly appid?: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
}

export type WeChatQuery = Record<string, QueryValue>;

/**
 * Calls WeChat's JSON APIs with the current access token. A non-zero errcode becomes a
 * WeChatApiError. When WeChat rejects the token (40001/40014/42001) the client tells the
 * source and tries exactly once more with a fresh token; a second rejection goes to the caller,
 * so a wrong appsecret or a refresh storm elsewhere can never turn into a loop.
 * Transient failures are not retried here: a POST may not be safe to repeat.
 */
export class WeChatClient {
  constructor(private readonly options: WeChatClientOptions) {
    if (!options.baseUrl) throw new InvalidArgumentError('baseUrl', 'is empty');
  }

  get<T extends object = Record<string, unknown>>(path: string, query: WeChatQuery = {}): Promise<T> {
    return this.call<T>({ method: 'GET', path, query });
  }

  post<T extends object = Record<string, unknown>>(path: string, body: unknown, query: WeChatQuery = {}): Promise<T> {
    return this.call<T>({ method: 'POST', path, query, body });
  }

  private async call<T>(request: { method: 'GET' | 'POST'; path: string; query: WeChatQuery; body?: unknown }): Promise<T> {
    const token = await this.options.tokens.get();
    try {
      return await this.once<T>(request, token);
    } catch (error) {
      if (!(error instanceof WeChatApiError) || !isTokenRejected(error.errcode)) throw error;
      await this.options.tokens.invalidate(token);
      return this.once<T>(request, await this.options.tokens.get());
    }
  }

  private async once<T>(request: { method: 'GET' | 'POST'; path: string; query: WeChatQuery; body?: unknown }, token: string): Promise<T> {
    const url = buildUrl(this.options.baseUrl, request.path, { ...request.query, access_token: token });
    const response = await requestJson(url, {
      method: request.method,
      // WeChat wants a JSON body on every POST, `{}` when there are no parameters.
      json: request.method === 'POST' ? (request.body ?? {}) : undefined,
      timeoutMs: this.options.timeoutMs,
      dispatcher: this.options.dispatcher,
    });
    const body = interpretResponse(response, {
      api: request.path,
      target: redactUrl(url),
      appid: this.options.appid,
      secrets: [token],
    });
    // The shape of a successful answer is the caller's to know (T); WeChat's JSON is untyped.
    return body as T;
  }
}
