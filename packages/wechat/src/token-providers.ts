import { InvalidArgumentError, ProtocolError, buildUrl, mask, redactUrl, requestJson, systemClock, type Clock, type JsonRequest } from '@wxhub/core';
import type { FetchRequest, Token, TokenProvider } from '@wxhub/token-cache';
import { interpretResponse } from './response';

export interface WeChatTokenOptions {
  readonly appid: string;
  readonly secret: string;
  /** WeChat's API origin, e.g. 'https://api.weixin.qq.com' or the local cloud's `wechatApiBase`. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
  readonly clock?: Clock;
}

/**
 * `GET /cgi-bin/token`: every call issues a new token and starts the old one's five-minute
 * countdown, so it must only be called by whoever holds the cache's refresh lease.
 * Failures are thrown typed and not retried here: the cache owns retry and backoff.
 */
export function clientCredentialProvider(options: WeChatTokenOptions): TokenProvider {
  const { appid, secret } = validated(options);
  const api = '/cgi-bin/token';
  return {
    description: `wechat cgi-bin/token ${mask(appid)}`,
    fetch: () =>
      fetchToken(options, api, (url) =>
        requestJson(url, {
          method: 'GET',
          query: { grant_type: 'client_credential', appid, secret },
          timeoutMs: options.timeoutMs,
          dispatcher: options.dispatcher,
        }),
      ),
  };
}

/**
 * `POST /cgi-bin/stable_token`: the same token while it is valid, so instances that fetch at
 * once agree. `forceRefresh` (after WeChat rejected the cached token) asks for a new one;
 * WeChat allows that 20 times a day, 30 s apart.
 */
export function stableTokenProvider(options: WeChatTokenOptions): TokenProvider {
  const { appid, secret } = validated(options);
  const api = '/cgi-bin/stable_token';
  return {
    description: `wechat cgi-bin/stable_token ${mask(appid)}`,
    fetch: (request: FetchRequest) =>
      fetchToken(options, api, (url) =>
        requestJson(url, {
          method: 'POST',
          json: { grant_type: 'client_credential', appid, secret, force_refresh: request.forceRefresh },
          timeoutMs: options.timeoutMs,
          dispatcher: options.dispatcher,
        }),
      ),
  };
}

async function fetchToken(options: WeChatTokenOptions, api: string, send: (url: URL) => ReturnType<typeof requestJson>): Promise<Token> {
  const clock = options.clock ?? systemClock;
  // Time taken before sending: the token's lifetime starts no later than this, so the cache
  // never believes it lives longer than it does.
  const sentAt = clock.now();
  const url = buildUrl(options.baseUrl, api);
  const response = await send(url);
  const target = redactUrl(url);
  const body = interpretResponse(response, { api, target, appid: options.appid, secrets: [options.secret] });
  const value = body.access_token;
  const expiresIn = body.expires_in;
  if (typeof value !== 'string' || value === '') throw new ProtocolError(target, 'access_token missing');
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) throw new ProtocolError(target, 'expires_in missing or not positive');
  return { value, expiresAt: sentAt + expiresIn * 1000 };
}

function validated(options: WeChatTokenOptions): { appid: string; secret: string } {
  if (!options.appid) throw new InvalidArgumentError('appid', 'is empty');
  if (!options.secret) throw new InvalidArgumentError('secret', 'is empty');
  if (!options.baseUrl) throw new InvalidArgumentError('baseUrl', 'is empty');
  return { appid: options.appid, secret: options.secret };
}
