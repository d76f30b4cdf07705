import { join } from 'node:path';
import { ManualClock } from '@wxhub/core';
import { LocalCloud } from '@wxhub/local-cloud';
import { MemoryStore, TokenCache } from '@wxhub/token-cache';
import { clientCredentialProvider, tokenSource, WeChatClient } from '@wxhub/wechat';
import { CloudHttpClient } from '../../src';

export const APP_A = { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: 'a-env-1a2b3c' };
export const APP_B = { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: 'b-env-4d5e6f' };

const FUNCTIONS = join(__dirname, '..', 'fixtures', 'functions');

/** A local cloud on a free port with the HTTP database API served and two test functions in A's environment. */
export async function startCloud(): Promise<LocalCloud> {
  const cloud = await LocalCloud.start({ apps: [APP_A, APP_B], clock: new ManualClock(Date.now()) });
  for (const name of ['echo-event', 'fails']) {
    cloud.functions.register({ envId: APP_A.envId, name, dir: join(FUNCTIONS, name), backendUrl: cloud.sdkBackendUrl });
  }
  return cloud;
}

/** WeChat's API as a backend reaches it: the token from the emulator through a TokenCache. */
export function wechatFor(cloud: LocalCloud, app: typeof APP_A = APP_A): WeChatClient {
  const key = `wechat:${app.appid}`;
  const cache = new TokenCache({
    store: new MemoryStore(),
    providers: { [key]: clientCredentialProvider({ appid: app.appid, secret: app.secret, baseUrl: cloud.wechatApiBase }) },
  });
  return new WeChatClient({ baseUrl: cloud.wechatApiBase, tokens: tokenSource(cache, key), appid: app.appid });
}

export function clientFor(cloud: LocalCloud, app: typeof APP_A = APP_A, env: string = app.envId): CloudHttpClient {
  return new CloudHttpClient({ wechat: wechatFor(cloud, app), env });
}
