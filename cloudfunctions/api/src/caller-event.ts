/** Who called `api`, as WeChat's context says (getWXContext). */
export interface Caller {
  readonly openid: string;
  readonly unionid?: string;
}

/**
 * The event A's function receives: the page's data with `openid` (and `unionid`) set to the
 * caller's own, whatever the page sent, so a page cannot act as another user through either
 * transport. A `unionid` the page sent is dropped when WeChat gave none.
 */
export function callerEvent(data: Readonly<Record<string, unknown>>, caller: Caller): Record<string, unknown> {
  const { unionid: _sent, ...rest } = data;
  void _sent;
  return { ...rest, openid: caller.openid, ...(caller.unionid ? { unionid: caller.unionid } : {}) };
}
