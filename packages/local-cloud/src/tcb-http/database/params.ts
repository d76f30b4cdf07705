import { wechatError, type WeChatErrorBody } from '../../wechat/errcodes';

/** A body field read, or the WeChat error for it: 40101 when it is missing, 40097 when it is the wrong kind. */
export type Param<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WeChatErrorBody };

export function requiredText(body: Readonly<Record<string, unknown>>, field: string, nowMs: number): Param<string> {
  const value = body[field];
  if (value === undefined || value === null || value === '') return { ok: false, error: wechatError(40101, nowMs, `missing required parameter: ${field}`) };
  if (typeof value !== 'string') return { ok: false, error: wechatError(40097, nowMs, `${field} must be a string`) };
  return { ok: true, value };
}

export function optionalCount(
  body: Readonly<Record<string, unknown>>,
  field: string,
  range: { min: number; max: number; fallback: number },
  nowMs: number,
): Param<number> {
  const value = body[field];
  if (value === undefined || value === null) return { ok: true, value: range.fallback };
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    return { ok: false, error: wechatError(40097, nowMs, `${field} must be a whole number from ${range.min} to ${range.max}`) };
  }
  return { ok: true, value };
}
