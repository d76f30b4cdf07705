import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import { parseJsonBody, type Service } from '../http/router';
import { wechatError } from '../wechat/errcodes';
import type { WeChatEmulator } from '../wechat/wechat-emulator';
import type { OpenApiService } from './openapi-service';

/** How a call over WeChat's HTTP API shows in `OpenApiService.calls()`: no function made it. */
export const HTTP_API_CALLER = '(server API)';

/**
 * `POST /cgi-bin/message/custom/send?access_token=` — the customer-service message as a server
 * outside WeChat's cloud sends it. Same checks and same record as the cloud call
 * `customerServiceMessage.send`, so a test reads what was sent either way.
 */
export function customSendService(deps: { wechat: WeChatEmulator; openapi: OpenApiService; apps: readonly AppConfig[]; clock: Clock }): Service {
  return deps.wechat.faults.wrapService({
    prefix: '',
    routes: [
      {
        method: '*',
        path: '/cgi-bin/message/custom/send',
        handler: (request) => {
          const now = deps.clock.now();
          if (request.method.toUpperCase() !== 'POST') return { body: wechatError(43002, now) };
          const auth = deps.wechat.authenticate(request.query);
          if (!auth.ok) return { body: { errcode: auth.errcode, errmsg: auth.errmsg } };
          if (request.body.length === 0) return { body: wechatError(44002, now) };
          const body = parseJsonBody(request);
          if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body: wechatError(47001, now) };
          const envId = deps.apps.find((app) => app.appid === auth.appid)?.envId ?? '';
          const response = deps.openapi.call({
            envId,
            appid: auth.appid,
            functionName: HTTP_API_CALLER,
            caller: {},
            apiName: 'customerServiceMessage.send',
            request: body as Record<string, unknown>,
            media: {},
          });
          return { body: response };
        },
      },
    ],
  });
}
