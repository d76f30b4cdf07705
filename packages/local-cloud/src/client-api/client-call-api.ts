import type { AppConfig } from '../config';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Service } from '../http/router';
import { CloudFunctionError, FunctionNotFoundError, FunctionPayloadError } from '../runtime/errors';
import type { FunctionRuntime } from '../runtime/function-runtime';
import { requestFailure, serviceFailure } from './client-failures';
import { clientInvocation } from './client-invocation';
import { resolveClientTarget } from './client-target';
import { CLIENT_CALL_OK, type ClientCallRequest, type ClientCallSuccess } from './types';

export interface ClientCallApiOptions {
  readonly apps: readonly AppConfig[];
  readonly runtime: Pick<FunctionRuntime, 'invoke'>;
}

/** WeChat's function service code for an environment that is missing or not the caller's. */
const ENV_INVALID = -501000;

/**
 * A mini program page's `wx.cloud.callFunction`, over HTTP: `POST /client/callFunction` with a
 * ClientCallRequest runs the function in the app's environment as WeChat runs a client call —
 * caller `{openid, appid, unionid, source: 'wx_client'}` for getWXContext(), and the event is
 * `data` plus `userInfo: {appId, openId}` as WeChat adds it. It answers HTTP 200 with what the
 * client SDK resolves (`{result, errMsg: 'cloud.callFunction:ok', requestID}`), or a non-2xx
 * status with what it rejects (`{errCode, errMsg}`): 400 for a request the SDK would refuse,
 * 404 for an unknown app or environment, 403 for another app's environment, 502 when the
 * function failed, timed out or does not exist (errCode -404011, the service code in errMsg).
 */
export class ClientCallApi {
  static readonly PREFIX = '/client';
  readonly service: Service;

  constructor(private readonly options: ClientCallApiOptions) {
    this.service = {
      prefix: ClientCallApi.PREFIX,
      routes: [{ method: '*', path: '/callFunction', handler: (request) => this.callFunction(request) }],
    };
  }

  private async callFunction(request: EmulatorRequest): Promise<EmulatorReply> {
    if (request.method.toUpperCase() !== 'POST') return requestFailure(405, 'use POST with a JSON body');
    const parsed = parseRequest(parseJsonBody(request));
    if (typeof parsed === 'string') return requestFailure(400, `parameter error: ${parsed}`);
    const target = resolveClientTarget(this.options.apps, parsed);
    if (!target.ok) return target.envProblem ? serviceFailure(target.status, ENV_INVALID, target.reason) : requestFailure(target.status, target.reason);
    const { app, envId } = target;
    try {
      const { result, requestId } = await this.options.runtime.invoke({
        envId,
        name: parsed.name,
        ...clientInvocation(app.appid, parsed.data, { openid: parsed.openid, unionid: parsed.unionid }),
      });
      const body: ClientCallSuccess = { result, errMsg: CLIENT_CALL_OK, requestID: requestId };
      return { body };
    } catch (error) {
      if (error instanceof FunctionNotFoundError) return serviceFailure(502, error.errCode, error.errMsg);
      // The page's data was refused before the function ran: the request's fault, not the service's.
      if (error instanceof FunctionPayloadError) return serviceFailure(400, error.errCode, error.errMsg);
      if (error instanceof CloudFunctionError) return serviceFailure(502, error.errCode, error.errMsg, error.requestId);
      throw error;
    }
  }
}

type ParsedRequest = Omit<ClientCallRequest, 'data'> & { readonly data: Record<string, unknown> };

/** The request, or what is wrong with it (in the client SDK's words where it has some). */
function parseRequest(body: unknown): ParsedRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { appid, app, env, name, data, openid, unionid } = body as Record<string, unknown>;
  if ((appid === undefined) === (app === undefined)) return 'give exactly one of appid and app';
  for (const [field, value] of Object.entries({ appid, app, env, openid, unionid })) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) return `${field} should be a non-empty String`;
  }
  if (typeof name !== 'string' || name === '') return `parameter.name should be String instead of ${typeName(name)}`;
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    return `parameter.data should be Object instead of ${typeName(data)}`;
  }
  return {
    ...(appid !== undefined ? { appid: appid as string } : {}),
    ...(app !== undefined ? { app: app as string } : {}),
    ...(env !== undefined ? { env: env as string } : {}),
    ...(openid !== undefined ? { openid: openid as string } : {}),
    ...(unionid !== undefined ? { unionid: unionid as string } : {}),
    name,
    data: (data ?? {}) as Record<string, unknown>,
  };
}

/** The type names wx API parameter checks use: String, Object, Array, Null, Undefined, Number... */
function typeName(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  const type = typeof value;
  return type.charAt(0).toUpperCase() + type.slice(1);
}
