import { ManualClock } from '@wxhub/core';
import { WECHAT_TOKEN_POLICY, WeChatEmulator, type AppConfig, type Service } from '@wxhub/local-cloud';
import { Router, close, listen, parseJsonBody } from '@wxhub/local-cloud/testing';

export const APP_A: AppConfig = { name: 'A', appid: 'wx1234567890abcdef', secret: '0123456789abcdef0123456789abcdef', envId: 'a-env-1a2b3c' };
export const APP_B: AppConfig = { name: 'B', appid: 'wxfedcba0987654321', secret: 'fedcba9876543210fedcba9876543210', envId: 'b-env-4d5e6f' };

export interface LocalWeChat {
  readonly url: string;
  readonly clock: ManualClock;
  readonly wechat: WeChatEmulator;
  stop(): Promise<void>;
}

/**
 * WeChat's emulated API alone on a loopback port (not the whole LocalCloud), plus one test-only
 * authenticated POST route, `/test/echo`, that answers the JSON body it got.
 */
export async function startLocalWeChat(): Promise<LocalWeChat> {
  const clock = new ManualClock();
  const wechat = new WeChatEmulator({ apps: [APP_A, APP_B], clock, policy: WECHAT_TOKEN_POLICY });
  const echo: Service = {
    prefix: '',
    routes: [
      {
        method: 'POST',
        path: '/test/echo',
        handler: wechat.authenticated((request, appid) => ({ errcode: 0, errmsg: 'ok', appid, received: parseJsonBody(request) ?? null })),
      },
    ],
  };
  const router = new Router();
  router.mount(wechat.service);
  router.mount(echo);
  const { server, url } = await listen(router);
  return {
    url,
    clock,
    wechat,
    stop: async () => {
      wechat.clearFaults();
      await close(server);
    },
  };
}
