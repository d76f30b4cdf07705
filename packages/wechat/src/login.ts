import { InvalidArgumentError, ProtocolError, WxhubError, buildUrl, redactUrl, requestJson, type JsonRequest } from '@wxhub/core';
import { WechatCryptoError, decryptUserData, type DecryptedUserData } from '@wxhub/wechat-crypto';
import type { WeChatClient } from './client';
import { WeChatApiError } from './errors';
import { interpretResponse } from './response';

export type { DecryptedUserData, PhoneNumberData, UserInfoData, Watermark } from '@wxhub/wechat-crypto';

/** The errcodes of the login APIs, to switch on `WeChatApiError.errcode`. */
export const LOGIN_ERRCODES = {
  /** The code is unknown, expired (5 minutes), or belongs to another mini program. */
  invalidCode: 40029,
  /** The code was already exchanged: codes are single use. */
  codeUsed: 40163,
  /** Too many calls per minute. */
  rateLimited: 45011,
  /** WeChat refuses to log this user in (risk control). */
  riskyUser: 40226,
} as const;

export interface Code2SessionOptions {
  readonly appid: string;
  readonly secret: string;
  /** What `wx.login` gave the mini program: single use, valid 5 minutes. */
  readonly code: string;
  /** WeChat's API origin, e.g. 'https://api.weixin.qq.com' or the local cloud's `wechatApiBase`. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
}

export interface LoginSession {
  readonly openid: string;
  /** Keys the user's encryptedData. A secret: keep it on the server, never send it to the client. */
  readonly sessionKey: string;
  /** Only when the mini program is bound to an open platform account the user is known to. */
  readonly unionid?: string;
}

const CODE2SESSION = '/sns/jscode2session';
/** WeChat's codes are 32 characters; anything much longer is not one and is not sent. */
const MAX_CODE_LENGTH = 256;

/**
 * `GET /sns/jscode2session`: a `wx.login` code for the user's openid and session_key. Not
 * retried: a code is single use, so a retry after a lost answer would only earn 40163.
 * Errors are WeChatApiError (see LOGIN_ERRCODES) or core's transport errors; none carries the
 * appsecret, the code or the session_key.
 */
export async function code2Session(options: Code2SessionOptions): Promise<LoginSession> {
  const { appid, secret, code } = validated(options);
  const url = buildUrl(options.baseUrl, CODE2SESSION);
  const response = await requestJson(url, {
    method: 'GET',
    query: { appid, secret, js_code: code, grant_type: 'authorization_code' },
    timeoutMs: options.timeoutMs,
    dispatcher: options.dispatcher,
  });
  const target = redactUrl(url);
  const body = interpretResponse(response, { api: CODE2SESSION, target, appid, secrets: [secret, code] });
  const { openid, session_key: sessionKey, unionid } = body;
  if (typeof openid !== 'string' || openid === '') throw new ProtocolError(target, 'openid missing');
  if (typeof sessionKey !== 'string' || sessionKey === '') throw new ProtocolError(target, 'session_key missing');
  if (unionid !== undefined && typeof unionid !== 'string') throw new ProtocolError(target, 'unionid is not a string');
  return { openid, sessionKey, ...(unionid ? { unionid } : {}) };
}

function validated(options: Code2SessionOptions): { appid: string; secret: string; code: string } {
  if (!options.appid) throw new InvalidArgumentError('appid', 'is empty');
  if (!options.secret) throw new InvalidArgumentError('secret', 'is empty');
  if (!options.baseUrl) throw new InvalidArgumentError('baseUrl', 'is empty');
  checkCode(options.code);
  return { appid: options.appid, secret: options.secret, code: options.code };
}

/** A code comes from an untrusted client: its shape is checked, its value never echoed. */
function checkCode(code: unknown): asserts code is string {
  if (typeof code !== 'string' || code === '') throw new InvalidArgumentError('code', 'is empty');
  if (code.length > MAX_CODE_LENGTH) throw new InvalidArgumentError('code', `is longer than ${MAX_CODE_LENGTH} characters`);
}

/**
 * Why login data was refused, as much as an untrusted client may learn:
 * - `session-key`: the stored session_key is malformed (a server-side fault);
 * - `iv`, `ciphertext`: not base64 of the right length (shape only);
 * - `undecryptable`: bad padding, not JSON, or no watermark, deliberately one reason: telling
 *   them apart would hand the client a padding oracle. Usually a stale session_key (the user
 *   logged in again) or tampered data;
 * - `foreign-appid`: the data was issued for another mini program.
 */
export type LoginDataFailure = 'session-key' | 'iv' | 'ciphertext' | 'undecryptable' | 'foreign-appid';

const FAILURE_MESSAGES: Readonly<Record<LoginDataFailure, string>> = {
  'session-key': 'the session key is not valid (expected base64 of 16 bytes)',
  iv: 'iv is not valid (expected base64 of 16 bytes)',
  ciphertext: 'encryptedData is not valid (expected base64 of whole 16-byte blocks)',
  undecryptable: 'encryptedData could not be decrypted with this session key (log in again with wx.login and retry)',
  'foreign-appid': 'encryptedData was issued for another mini program',
};

/**
 * The one error `decryptLoginData` throws, safe to answer to the client as it is: its message
 * and `reason` say no more than LoginDataFailure allows. The crypto error it stands for is kept
 * as a non-enumerable `cause` for the server's own logs (JSON.stringify leaves it out).
 */
export class LoginDataError extends WxhubError {
  readonly code = 'LOGIN_DATA';
  readonly transient = false;
  constructor(
    readonly reason: LoginDataFailure,
    cause?: WechatCryptoError,
  ) {
    super(FAILURE_MESSAGES[reason]);
    if (cause) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  }
}

const FAILURE_OF_CRYPTO_CODE: Readonly<Record<string, LoginDataFailure>> = {
  CRYPTO_BAD_SESSION_KEY: 'session-key',
  CRYPTO_BAD_IV: 'iv',
  CRYPTO_BAD_CIPHERTEXT: 'ciphertext',
  CRYPTO_BAD_PADDING: 'undecryptable',
  CRYPTO_NOT_JSON: 'undecryptable',
  CRYPTO_NO_WATERMARK: 'undecryptable',
  CRYPTO_APPID_MISMATCH: 'foreign-appid',
};

export interface DecryptLoginDataParams {
  /** Your mini program: data whose watermark names another appid is refused. */
  readonly appid: string;
  /** From code2Session, kept on the server. */
  readonly sessionKey: string;
  /** From the client (wx.getUserInfo, the old getPhoneNumber button, share tickets…). */
  readonly encryptedData: string;
  readonly iv: string;
}

/**
 * Decrypts a client's `encryptedData` (AES-128-CBC keyed by the session_key) and checks its
 * watermark against `appid`. Every failure is a LoginDataError. There is no MAC: trust the
 * openid of code2Session, never one found in decrypted data.
 */
export function decryptLoginData<T extends object = Record<string, unknown>>(params: DecryptLoginDataParams): DecryptedUserData<T> {
  if (!params.appid) throw new InvalidArgumentError('appid', 'is empty');
  try {
    return decryptUserData<T>(params);
  } catch (error) {
    const failure = error instanceof WechatCryptoError ? FAILURE_OF_CRYPTO_CODE[error.code] : undefined;
    throw failure ? new LoginDataError(failure, error as WechatCryptoError) : error;
  }
}

/** `phone_info` of getuserphonenumber. */
export interface PhoneInfo {
  /** With the country code for numbers outside mainland China. */
  readonly phoneNumber: string;
  readonly purePhoneNumber: string;
  readonly countryCode: string;
  readonly watermark: { readonly appid: string; readonly timestamp: number };
}

const PHONE_API = '/wxa/business/getuserphonenumber';

/**
 * `POST /wxa/business/getuserphonenumber {code}`: the phone number behind a code from the
 * `getPhoneNumber` button (single use, 5 minutes). A bad code is WeChatApiError 40029.
 */
export async function getUserPhoneNumber(client: WeChatClient, code: string): Promise<PhoneInfo> {
  checkCode(code);
  let body: Record<string, unknown>;
  try {
    body = await client.post<Record<string, unknown>>(PHONE_API, { code });
  } catch (error) {
    throw error instanceof WeChatApiError ? withoutCode(error, code) : error;
  }
  const info = body.phone_info;
  if (!isPhoneInfo(info)) throw new ProtocolError(PHONE_API, 'phone_info missing or malformed');
  const { phoneNumber, purePhoneNumber, countryCode, watermark } = info;
  return { phoneNumber, purePhoneNumber, countryCode, watermark: { appid: watermark.appid, timestamp: watermark.timestamp } };
}

/** WeChat's errmsg may echo what it was sent; the client only knew to scrub the token. */
function withoutCode(error: WeChatApiError, code: string): WeChatApiError {
  return new WeChatApiError({ api: error.api, errcode: error.errcode, errmsg: error.errmsg, appid: error.appid, secrets: [code] });
}

function isPhoneInfo(value: unknown): value is PhoneInfo {
  if (typeof value !== 'object' || value === null) return false;
  const info = value as Record<string, unknown>;
  const watermark = info.watermark as Record<string, unknown> | null | undefined;
  return (
    typeof info.phoneNumber === 'string' &&
    typeof info.purePhoneNumber === 'string' &&
    typeof info.countryCode === 'string' &&
    typeof watermark === 'object' &&
    watermark !== null &&
    typeof watermark.appid === 'string' &&
    typeof watermark.timestamp === 'number'
  );
}
