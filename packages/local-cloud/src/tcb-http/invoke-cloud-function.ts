import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler } from '../http/router';
import { CloudFunctionError } from '../runtime/errors';
import type { FunctionRuntime } from '../runtime/function-runtime';
import { wechatError } from '../wechat/errcodes';
import type { WeChatEmulator } from '../wechat/wechat-emulator';
import { foreignEnv } from './authorize';

/** WeChat's limit for functions triggered through the HTTP API (a function's own may be longer). */
export const HTTP_TRIGGER_TIMEOUT_MS = 5000;

export interface InvokeDeps {
  readonly wechat: WeChatEmulator;
  readonly runtime: FunctionRuntime;
  readonly apps: readonly AppConfig[];
  readonly clock: Clock;
}

/**
 * `POST /tcb/invokecloudfunction?access_token&env&name`: runs `name` in `env` as the token's
 * app. The body is the event; WeChat adds `userInfo: {appId}` and no OPENID (the function runs
 * with WX_APPID only). The result travels back as a JSON string in `resp_data`.
 */
export function invokeCloudFunction(deps: InvokeDeps): Handler {
  return async (request) => {
    if (request.method.toUpperCase() !== 'POST') return answer(wechatError(43002, deps.clock.now()));
    const auth = deps.wechat.authenticate(request.query);
    if (!auth.ok) return answer({ errcode: auth.errcode, errmsg: auth.errmsg });
    const envId = request.query.get('env');
    const name = request.query.get('name');
    if (!envId || !name) return answer(wechatError(40101, deps.clock.now(), 'missing required parameter: env and name'));
    const foreign = foreignEnv(deps.apps, auth.appid, envId, deps.clock.now());
    if (foreign) return answer(foreign);
    const event = parseEvent(request);
    if (event === undefined) return answer(wechatError(request.body.length === 0 ? 44002 : 47001, deps.clock.now()));
    try {
      const { result } = await deps.runtime.invoke({
        envId,
        name,
        event: { ...event, userInfo: { appId: auth.appid } },
        caller: { appid: auth.appid },
        maxTimeoutMs: HTTP_TRIGGER_TIMEOUT_MS,
      });
      return answer({ errcode: 0, errmsg: 'ok', resp_data: JSON.stringify(result ?? null) });
    } catch (error) {
      if (error instanceof CloudFunctionError) return answer(wechatError(error.errCode, deps.clock.now(), error.message));
      throw error;
    }
  };
}

function parseEvent(request: EmulatorRequest): Record<string, unknown> | undefined {
  const body = parseJsonBody(request);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

function answer(body: object): EmulatorReply {
  return { body };
}
