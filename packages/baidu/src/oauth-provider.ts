import {
  HttpStatusError,
  InvalidArgumentError,
  ProtocolError,
  buildUrl,
  mask,
  redactUrl,
  requestJson,
  systemClock,
  type Clock,
  type JsonRequest,
} from '@wxhub/core';
import type { Token, TokenProvider } from '@wxhub/token-cache';
import { BaiduApiError } from './errors';

export interface BaiduOAuthOptions {
  /** The application's API key. */
  readonly clientId: string;
  /** The application's secret key. */
  readonly clientSecret: string;
  /** Baidu AI's origin, e.g. 'https://aip.baidubce.com' or the local cloud's `baiduApiBase`. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
  readonly clock?: Clock;
}

const API = '/oauth/2.0/token';

/**
 * Baidu AI's client_credentials grant: a token valid for 30 days. Each call issues a new one
 * and earlier ones keep working, so `forceRefresh` needs nothing special. Failures are thrown
 * typed and not retried here: the cache owns retry and backoff.
 */
export function baiduOAuthProvider(options: BaiduOAuthOptions): TokenProvider {
  if (!options.clientId) throw new InvalidArgumentError('clientId', 'is empty');
  if (!options.clientSecret) throw new InvalidArgumentError('clientSecret', 'is empty');
  if (!options.baseUrl) throw new InvalidArgumentError('baseUrl', 'is empty');
  const clock = options.clock ?? systemClock;
  return {
    description: `baidu oauth ${mask(options.clientId)}`,
    async fetch(): Promise<Token> {
      const sentAt = clock.now();
      const url = buildUrl(options.baseUrl, API, {
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      });
      const target = redactUrl(url).replace(options.clientId, mask(options.clientId));
      const response = await requestJson(url, { method: 'POST', timeoutMs: options.timeoutMs, dispatcher: options.dispatcher });
      const body = asRecord(response.body);
      if (typeof body?.error === 'string') {
        throw new BaiduApiError({
          api: API,
          status: response.status,
          error: body.error,
          errorDescription: typeof body.error_description === 'string' ? body.error_description : '',
          secrets: [options.clientSecret, options.clientId],
        });
      }
      if (response.status < 200 || response.status >= 300) throw new HttpStatusError(target, response.status);
      if (!body) throw new ProtocolError(target, 'expected a JSON object');
      const value = body.access_token;
      const expiresIn = body.expires_in;
      if (typeof value !== 'string' || value === '') throw new ProtocolError(target, 'access_token missing');
      if (typeof expiresIn !== 'number' || !(expiresIn > 0)) throw new ProtocolError(target, 'expires_in missing or not positive');
      return { value, expiresAt: sentAt + expiresIn * 1000 };
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
