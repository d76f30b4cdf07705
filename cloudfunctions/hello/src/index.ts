import * as cloud from 'wx-server-sdk';
import { requestJson } from '@wxhub/core';

// The SDK's typings forget that `env` accepts its own DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export interface HelloEvent {
  /** Echoed back, to tell invocations apart. */
  readonly echo?: unknown;
  /** When set, the function GETs this URL (JSON) and returns what it answered. */
  readonly fetchUrl?: string;
}

export interface HelloResult {
  readonly openid?: string;
  readonly appid?: string;
  readonly env?: string;
  readonly node: string;
  readonly echo: unknown;
  readonly fetched?: { readonly status: number; readonly body: unknown };
}

export async function main(event: HelloEvent): Promise<HelloResult> {
  const wx = cloud.getWXContext();
  const result: HelloResult = {
    openid: wx.OPENID,
    appid: wx.APPID,
    env: wx.ENV,
    node: process.version,
    echo: event.echo,
  };
  if (!event.fetchUrl) return result;
  const response = await requestJson(new URL(event.fetchUrl), { timeoutMs: 2000 });
  return { ...result, fetched: { status: response.status, body: response.body } };
}
