import { HttpStatusError, ProtocolError, type JsonResponse } from '@wxhub/core';
import { WeChatApiError } from './errors';

export interface ResponseContext {
  /** The API path, for the error. */
  readonly api: string;
  /** The redacted URL, for transport-level errors. */
  readonly target: string;
  readonly appid?: string;
  /** Values to mask if WeChat echoes them. */
  readonly secrets: readonly (string | undefined)[];
}

/**
 * WeChat's answer as a JSON object, or the typed error it stands for. WeChat reports its own
 * errors with HTTP 200 and a non-zero errcode; any other status came from a proxy or gateway.
 */
export function interpretResponse(response: JsonResponse, context: ResponseContext): Record<string, unknown> {
  if (response.status < 200 || response.status >= 300) throw new HttpStatusError(context.target, response.status);
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProtocolError(context.target, 'expected a JSON object');
  }
  const record = body as Record<string, unknown>;
  const errcode = record.errcode;
  if (errcode !== undefined && errcode !== 0) {
    if (typeof errcode !== 'number') throw new ProtocolError(context.target, 'errcode is not a number');
    throw new WeChatApiError({
      api: context.api,
      errcode,
      errmsg: typeof record.errmsg === 'string' ? record.errmsg : '',
      appid: context.appid,
      secrets: context.secrets,
    });
  }
  return record;
}
