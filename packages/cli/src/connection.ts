import { CloudHttpClient } from '@wxhub/cloud-http';
import type { Token } from '@wxhub/token-cache';
import { MemoryStore, TokenCache } from '@wxhub/token-cache';
import { stableTokenProvider, tokenSource, WeChatClient } from '@wxhub/wechat';
import type { Target } from './target';

/** Deadline of each API call; the byte upload has its own (CloudHttpClient's, 60 s). */
const TIMEOUT_MS = 15_000;

export interface Connection {
  readonly target: Target;
  readonly cloud: CloudHttpClient;
  /** The current access token; `force` asks WeChat for a new one (invalidating the previous stable token). */
  token(force: boolean): Promise<Token>;
}

/**
 * Tokens come from `cgi-bin/stable_token` without force: WeChat hands back the token already in
 * use, so running the CLI never invalidates the token of a deployed function or backend (a
 * `cgi-bin/token` fetch would start the old one's five-minute countdown). The cache is this
 * process's only: one command, one token.
 */
export function connect(target: Target): Connection {
  const key = `wechat:${target.app.appid}`;
  const cache = new TokenCache({
    store: new MemoryStore(),
    providers: { [key]: stableTokenProvider({ appid: target.app.appid, secret: target.app.secret, baseUrl: target.baseUrl, timeoutMs: TIMEOUT_MS }) },
    // One attempt: an operator wants the error now, not after a backoff.
    retry: { attempts: 1 },
  });
  const wechat = new WeChatClient({ baseUrl: target.baseUrl, tokens: tokenSource(cache, key), appid: target.app.appid, timeoutMs: TIMEOUT_MS });
  return {
    target,
    cloud: new CloudHttpClient({ wechat, env: target.app.envId }),
    token: async (force) => {
      const current = await cache.getToken(key);
      if (!force) return current;
      await cache.invalidate(key, current.value);
      return cache.getToken(key);
    },
  };
}
