import { randomBytes } from 'node:crypto';
import type { Clock } from '@wxhub/core';
import { encryptUserData, generateSessionKey, type EncryptedUserData } from '@wxhub/wechat-crypto';
import type { AppConfig } from '../config';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Service } from '../http/router';
import { wechatError } from './errcodes';
import { appUser, type AppUser } from './user-identities';
import type { WeChatEmulator } from './wechat-emulator';

/** How long a `wx.login` code and a phone-number code can be exchanged (WeChat: 5 minutes). */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;

export interface LoginEmulatorOptions {
  readonly apps: readonly AppConfig[];
  readonly clock: Clock;
  /** Its token check guards getuserphonenumber; its fault plan covers these routes too. */
  readonly wechat: Pick<WeChatEmulator, 'authenticated' | 'faults'>;
}

export interface PhoneNumber {
  /** As WeChat shows it: with the country code for numbers outside mainland China. */
  readonly phoneNumber: string;
  /** Without the country code; `phoneNumber` by default. */
  readonly purePhoneNumber?: string;
  /** Default '86'. */
  readonly countryCode?: string;
}

interface LoginCode {
  readonly appid: string;
  readonly openid: string;
  readonly issuedAt: number;
  used: boolean;
}

interface PhoneCode {
  readonly appid: string;
  readonly phone: Required<PhoneNumber>;
  readonly issuedAt: number;
  used: boolean;
}

interface UserSession {
  readonly sessionKey: string;
  readonly unionid?: string;
}

/**
 * The login half of WeChat's server API, with the codes a mini program would get on a phone:
 * - `issueLoginCode` is `wx.login`: a one-time code, valid 5 minutes by the injected clock, and
 *   a NEW session for the user: a fresh session_key replaces the previous one (WeChat may rotate
 *   it on any wx.login; this emulator always does, so code that keeps a stale key fails here
 *   first). `GET /sns/jscode2session` answers the user's current session.
 * - `encryptForUser` is what WeChat hands the client as `encryptedData`/`iv`, keyed by that
 *   session_key and watermarked with the appid.
 * - `issuePhoneCode` is the `getPhoneNumber` button's code, for `POST /wxa/business/getuserphonenumber`.
 * Errors as WeChat sends them: 40029 unknown/expired/foreign code, 40163 code used,
 * 40013/40125 bad credentials; faults injected through the WeChat emulator apply here too.
 */
export class LoginEmulator {
  readonly service: Service;
  private readonly apps: ReadonlyMap<string, AppConfig>;
  private readonly clock: Clock;
  private readonly loginCodes = new Map<string, LoginCode>();
  private readonly phoneCodes = new Map<string, PhoneCode>();
  private readonly sessions = new Map<string, UserSession>();

  constructor(options: LoginEmulatorOptions) {
    this.apps = new Map(options.apps.map((app) => [app.appid, app]));
    this.clock = options.clock;
    this.service = options.wechat.faults.wrapService({
      prefix: '',
      routes: [
        { method: 'GET', path: '/sns/jscode2session', handler: (request) => this.code2Session(request) },
        {
          method: '*',
          path: '/wxa/business/getuserphonenumber',
          handler: options.wechat.authenticated((request, appid) => this.phoneNumber(request, appid)),
        },
      ],
    });
  }

  /**
   * The openid (and unionid, when the app is bound to an open-platform account) WeChat gives
   * `person` in the app named by name or appid: per-app openids, one unionid across the account.
   */
  identity(app: string, person: string): AppUser {
    const config = this.apps.get(app) ?? [...this.apps.values()].find((candidate) => candidate.name === app);
    if (!config) throw new Error(`identity: no app ${app}`);
    return appUser(config, person);
  }

  /** What `wx.login` does in mini program `appid` for user `openid`: returns the code. */
  issueLoginCode(appid: string, openid: string, options: { unionid?: string } = {}): string {
    this.requireApp(appid);
    if (!openid) throw new Error('issueLoginCode: openid is empty');
    this.forgetExpired();
    const session: UserSession = { sessionKey: generateSessionKey(), ...(options.unionid ? { unionid: options.unionid } : {}) };
    this.sessions.set(userKey(appid, openid), session);
    const code = newCode();
    this.loginCodes.set(code, { appid, openid, issuedAt: this.clock.now(), used: false });
    return code;
  }

  /** The user's current session_key (what jscode2session answers), if they ever logged in. */
  sessionKeyOf(appid: string, openid: string): string | undefined {
    return this.sessions.get(userKey(appid, openid))?.sessionKey;
  }

  /**
   * `encryptedData` + `iv` as WeChat gives them to the client (wx.getUserInfo and the like):
   * `data` with a watermark {appid, timestamp by the clock}, keyed by the user's current session_key.
   */
  encryptForUser(appid: string, openid: string, data: Readonly<Record<string, unknown>>): EncryptedUserData {
    const session = this.sessions.get(userKey(appid, openid));
    if (!session) throw new Error(`encryptForUser: ${openid} never logged in to ${appid} (call issueLoginCode first)`);
    return encryptUserData({ appid, sessionKey: session.sessionKey, data, timestamp: Math.floor(this.clock.now() / 1000) });
  }

  /** What the `getPhoneNumber` button gives mini program `appid`: a one-time code for this number. */
  issuePhoneCode(appid: string, phone: PhoneNumber): string {
    this.requireApp(appid);
    if (!phone.phoneNumber) throw new Error('issuePhoneCode: phoneNumber is empty');
    this.forgetExpired();
    const code = newCode();
    const full = { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber ?? phone.phoneNumber, countryCode: phone.countryCode ?? '86' };
    this.phoneCodes.set(code, { appid, phone: full, issuedAt: this.clock.now(), used: false });
    return code;
  }

  private code2Session(request: EmulatorRequest): EmulatorReply {
    const q = request.query;
    const appid = q.get('appid');
    const secret = q.get('secret');
    const code = q.get('js_code');
    if (!appid) return this.error(41002);
    if (!secret) return this.error(41004);
    if (!code) return this.error(41008);
    if (q.get('grant_type') !== 'authorization_code') return this.error(40002);
    const app = this.apps.get(appid);
    if (!app) return this.error(40013);
    if (app.secret !== secret) return this.error(40125);

    const issued = this.loginCodes.get(code);
    if (!issued || issued.appid !== appid || this.expired(issued.issuedAt)) return this.error(40029);
    if (issued.used) return this.error(40163);
    issued.used = true;
    const session = this.sessions.get(userKey(appid, issued.openid));
    if (!session) return this.error(40029);
    return { body: { openid: issued.openid, session_key: session.sessionKey, ...(session.unionid ? { unionid: session.unionid } : {}) } };
  }

  private phoneNumber(request: EmulatorRequest, appid: string): EmulatorReply['body'] {
    if (request.method.toUpperCase() !== 'POST') return this.error(43002).body;
    if (request.body.length === 0) return this.error(44002).body;
    const params = parseJsonBody<{ code?: unknown }>(request);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return this.error(47001).body;
    if (params.code === undefined || params.code === '') return this.error(41008).body;
    const issued = typeof params.code === 'string' ? this.phoneCodes.get(params.code) : undefined;
    // WeChat answers 40029 for a phone code whatever is wrong with it.
    if (!issued || issued.used || issued.appid !== appid || this.expired(issued.issuedAt)) return this.error(40029).body;
    issued.used = true;
    const watermark = { timestamp: Math.floor(this.clock.now() / 1000), appid };
    return { errcode: 0, errmsg: 'ok', phone_info: { ...issued.phone, watermark } };
  }

  private expired(issuedAt: number): boolean {
    return this.clock.now() - issuedAt >= LOGIN_CODE_TTL_MS;
  }

  /** Past their 5 minutes codes answer 40029 either way; dropping them bounds the maps. */
  private forgetExpired(): void {
    for (const codes of [this.loginCodes, this.phoneCodes] as Array<Map<string, { issuedAt: number }>>) {
      for (const [code, entry] of codes) if (this.expired(entry.issuedAt)) codes.delete(code);
    }
  }

  private requireApp(appid: string): void {
    if (!this.apps.has(appid)) throw new Error(`the local cloud has no app ${appid}`);
  }

  private error(errcode: number): { body: { errcode: number; errmsg: string } } {
    return { body: wechatError(errcode, this.clock.now()) };
  }
}

function userKey(appid: string, openid: string): string {
  return `${appid}\n${openid}`;
}

/** WeChat's codes are 32 characters of letters and digits. */
function newCode(): string {
  return randomBytes(16).toString('hex');
}
