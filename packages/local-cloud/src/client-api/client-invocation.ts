import type { CallerIdentity } from '../sdk-backend/sdk-env';

/** The user of a mini program who "tapped the button"; none for a call without user. */
export interface ClientUser {
  readonly openid?: string;
  readonly unionid?: string;
}

/**
 * What WeChat's client makes of a page's `wx.cloud.callFunction({name, data})`: the event is
 * `data` plus `userInfo: {appId, openId}`, and the function runs for the caller getWXContext()
 * reports (`SOURCE` `wx_client`). Everything that plays a page's call starts here.
 */
export function clientInvocation(
  appid: string,
  data: Readonly<Record<string, unknown>>,
  user: ClientUser = {},
): { readonly event: Record<string, unknown>; readonly caller: CallerIdentity } {
  return {
    event: { ...data, userInfo: { appId: appid, ...(user.openid ? { openId: user.openid } : {}) } },
    caller: {
      appid,
      ...(user.openid ? { openid: user.openid } : {}),
      ...(user.unionid ? { unionid: user.unionid } : {}),
      source: 'wx_client',
    },
  };
}
