import type { Clock } from '@wxhub/core';
import type { AppConfig } from '../config';
import { parseJsonBody, type EmulatorRequest } from '../http/router';
import { wechatError, type WeChatErrorBody } from '../wechat/errcodes';
import type { WeChatEmulator } from '../wechat/wechat-emulator';

export interface AuthorizeDeps {
  readonly wechat: Pick<WeChatEmulator, 'authenticate'>;
  readonly apps: readonly AppConfig[];
  readonly clock: Clock;
}

export type Authorized =
  { readonly ok: true; readonly envId: string; readonly body: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly error: WeChatErrorBody };

/**
 * What every `tcb/*` call with an env in its body (database, storage) checks first, in WeChat's order: POST (43002), a valid token
 * (41001/40014/42001…), a JSON object body (44002 empty, 47001 malformed), `env` present (40101)
 * and owned by the token's app — an environment belongs to one mini program, so another app's
 * token cannot reach it (-501000, as tcb/invokecloudfunction answers).
 */
export function authorize(deps: AuthorizeDeps, request: EmulatorRequest): Authorized {
  const now = deps.clock.now();
  if (request.method.toUpperCase() !== 'POST') return { ok: false, error: wechatError(43002, now) };
  const auth = deps.wechat.authenticate(request.query);
  if (!auth.ok) return { ok: false, error: { errcode: auth.errcode, errmsg: auth.errmsg } };
  const body = parseJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: wechatError(request.body.length === 0 ? 44002 : 47001, now) };
  }
  const fields = body as Record<string, unknown>;
  const envId = fields.env;
  if (envId === undefined || envId === '') return { ok: false, error: wechatError(40101, now, 'missing required parameter: env') };
  if (typeof envId !== 'string') return { ok: false, error: wechatError(40097, now, 'env must be a string') };
  const foreign = foreignEnv(deps.apps, auth.appid, envId, now);
  if (foreign) return { ok: false, error: foreign };
  return { ok: true, envId, body: fields };
}

/**
 * An environment belongs to one mini program: another app's token cannot reach it. WeChat's
 * answer (-501000) when `envId` is not `appid`'s; undefined when it is.
 */
export function foreignEnv(apps: readonly AppConfig[], appid: string, envId: string, now: number): WeChatErrorBody | undefined {
  const app = apps.find((candidate) => candidate.appid === appid);
  if (app && app.envId === envId) return undefined;
  return wechatError(-501000, now, `Environment invalid: env ${envId} does not belong to this app`);
}
