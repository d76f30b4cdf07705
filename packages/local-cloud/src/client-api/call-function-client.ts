import { buildUrl, ProtocolError, requestJson, WxhubError, type JsonRequest } from '@wxhub/core';
import { ClientCallApi } from './client-call-api';
import { CLIENT_CALL_OK, type ClientCallRequest, type ClientCallSuccess } from './types';

export interface CallFunctionOptions {
  /** Default 65 s: a function's own limit may be up to 60 s. */
  readonly timeoutMs?: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
}

/** What `wx.cloud.callFunction` would have rejected with: `errCode`, `errMsg`, and the HTTP status. */
export class CallFunctionError extends WxhubError {
  readonly code = 'CALL_FUNCTION';
  readonly transient = false;
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
    readonly status: number,
    readonly requestID?: string,
  ) {
    super(`errCode: ${errCode} | errMsg: ${errMsg}`);
  }
}

const DEFAULT_TIMEOUT_MS = 65_000;

/**
 * Plays a page's `wx.cloud.callFunction` against a running local cloud (`baseUrl` is its root
 * URL): resolves like the client SDK, or throws a CallFunctionError with its errCode/errMsg.
 */
export async function callFunction<T = unknown>(baseUrl: string, request: ClientCallRequest, options: CallFunctionOptions = {}): Promise<ClientCallSuccess<T>> {
  const url = buildUrl(baseUrl, `${ClientCallApi.PREFIX}/callFunction`);
  const response = await requestJson(url, {
    method: 'POST',
    json: request,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    dispatcher: options.dispatcher,
  });
  const body = response.body;
  if (typeof body === 'object' && body !== null) {
    const fields = body as { errMsg?: unknown; errCode?: unknown; requestID?: unknown; result?: unknown };
    if (response.status === 200 && fields.errMsg === CLIENT_CALL_OK && typeof fields.requestID === 'string') {
      return { result: fields.result as T, errMsg: CLIENT_CALL_OK, requestID: fields.requestID };
    }
    if (typeof fields.errCode === 'number' && typeof fields.errMsg === 'string') {
      throw new CallFunctionError(fields.errCode, fields.errMsg, response.status, typeof fields.requestID === 'string' ? fields.requestID : undefined);
    }
  }
  throw new ProtocolError(url.toString(), `not a callFunction answer (HTTP ${response.status})`);
}
