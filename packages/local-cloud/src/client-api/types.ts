/**
 * `POST /client/callFunction`: what a mini program page's `wx.cloud.callFunction({name, data})`
 * does, played over HTTP with a chosen user.
 */
export interface ClientCallRequest {
  /** The calling mini program: its appid (`wx…`). Give this or `app`. */
  readonly appid?: string;
  /** The calling mini program by its name in the project's configuration (`A`, `B`). */
  readonly app?: string;
  /** The environment (`wx.cloud.callFunction({config: {env}})`); the app's own by default. */
  readonly env?: string;
  /** The cloud function's name. */
  readonly name: string;
  /** `data`: must be an object, as the client SDK requires. */
  readonly data?: Record<string, unknown>;
  /** The user of the app who "tapped the button"; leave out for a call without user (not possible from a real page). */
  readonly openid?: string;
  /** The user's unionid, when the app is bound to an open platform account. */
  readonly unionid?: string;
}

/** What `wx.cloud.callFunction` resolves with. */
export interface ClientCallSuccess<T = unknown> {
  readonly result: T;
  readonly errMsg: 'cloud.callFunction:ok';
  readonly requestID: string;
}

/**
 * What `wx.cloud.callFunction` rejects with: `errCode` and `errMsg`, never a stack. A failure of
 * the function itself is WeChat's client code -404011 with the function service's code inside
 * errMsg (`cloud function service error code -504002, error message ...`).
 */
export interface ClientCallFailure {
  readonly errCode: number;
  readonly errMsg: string;
  /** The invocation's request id, when the function was reached. */
  readonly requestID?: string;
}

export const CLIENT_CALL_OK = 'cloud.callFunction:ok';
