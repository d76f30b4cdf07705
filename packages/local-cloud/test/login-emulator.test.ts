import type { Server } from 'node:http';
import { ManualClock, buildUrl, requestJson } from '@wxhub/core';
import { decryptUserData } from '@wxhub/wechat-crypto';
import { WECHAT_TOKEN_POLICY, type AppConfig } from '../src/config';
import { Router } from '../src/http/router';
import { close, listen } from '../src/http/server';
import { LOGIN_CODE_TTL_MS, LoginEmulator } from '../src/wechat/login-emulator';
import { WeChatEmulator } from '../src/wechat/wechat-emulator';

const APP: AppConfig = { name: 'A', appid: 'wx1234567890abcdef', secret: '0123456789abcdef0123456789abcdef', envId: 'a-env' };
const OTHER: AppConfig = { name: 'B', appid: 'wxfedcba0987654321', secret: 'fedcba9876543210fedcba9876543210', envId: 'b-env' };
const OPENID = 'oUser-0000000000000000000001';
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

let clock: ManualClock;
let wechat: WeChatEmulator;
let login: LoginEmulator;
let server: Server;
let base: string;

beforeEach(async () => {
  clock = new ManualClock();
  wechat = new WeChatEmulator({ apps: [APP, OTHER], clock, policy: WECHAT_TOKEN_POLICY });
  login = new LoginEmulator({ apps: [APP, OTHER], clock, wechat });
  const router = new Router();
  router.mount(wechat.service);
  router.mount(login.service);
  ({ server, url: base } = await listen(router));
});

afterEach(async () => {
  wechat.clearFaults();
  await close(server);
});

type Body = Record<string, unknown>;

async function exchange(code: string | undefined, app: AppConfig = APP, overrides: Record<string, string | undefined> = {}): Promise<Body> {
  const query = { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code', ...overrides };
  const response = await requestJson(buildUrl(base, '/sns/jscode2session', query));
  expect(response.status).toBe(200);
  return response.body as Body;
}

async function token(app: AppConfig = APP): Promise<string> {
  const response = await requestJson(buildUrl(base, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret }));
  return (response.body as Body).access_token as string;
}

async function phone(body: unknown, accessToken: string | undefined, method: 'GET' | 'POST' = 'POST'): Promise<Body> {
  const url = buildUrl(base, '/wxa/business/getuserphonenumber', { access_token: accessToken });
  const response = await requestJson(url, method === 'POST' ? { method, json: body } : { method });
  return response.body as Body;
}

describe('GET /sns/jscode2session', () => {
  it("exchanges a wx.login code once for the user's openid, session_key and unionid", async () => {
    const code = login.issueLoginCode(APP.appid, OPENID, { unionid: 'oUnion-42' });
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    const body = await exchange(code);
    expect(body).toEqual({ openid: OPENID, session_key: login.sessionKeyOf(APP.appid, OPENID), unionid: 'oUnion-42' });
    expect(Buffer.from(body.session_key as string, 'base64')).toHaveLength(16);

    const again = await exchange(code);
    expect(again).toMatchObject({ errcode: 40163, errmsg: expect.stringMatching(/^code been used rid: /) });
  });

  it('leaves unionid out for a user without one', async () => {
    expect(Object.keys(await exchange(login.issueLoginCode(APP.appid, OPENID))).sort()).toEqual(['openid', 'session_key']);
  });

  it('refuses a code after 5 minutes by the clock, and an unknown one, with 40029', async () => {
    const fresh = login.issueLoginCode(APP.appid, OPENID);
    const stale = login.issueLoginCode(APP.appid, OPENID);
    clock.advance(LOGIN_CODE_TTL_MS - 1);
    expect(await exchange(fresh)).toMatchObject({ openid: OPENID });
    clock.advance(1);
    expect(await exchange(stale)).toMatchObject({ errcode: 40029, errmsg: expect.stringMatching(RID) });
    expect(await exchange('0'.repeat(32))).toMatchObject({ errcode: 40029 });
  });

  it("refuses another mini program's code", async () => {
    const code = login.issueLoginCode(OTHER.appid, OPENID);
    expect(await exchange(code, APP)).toMatchObject({ errcode: 40029 });
    expect(await exchange(code, OTHER)).toMatchObject({ openid: OPENID });
  });

  it("checks the credentials first, in WeChat's order, without spending the code", async () => {
    const code = login.issueLoginCode(APP.appid, OPENID);
    expect(await exchange(code, APP, { appid: undefined })).toMatchObject({ errcode: 41002 });
    expect(await exchange(code, APP, { secret: undefined })).toMatchObject({ errcode: 41004 });
    expect(await exchange(undefined)).toMatchObject({ errcode: 41008 });
    expect(await exchange(code, APP, { grant_type: 'client_credential' })).toMatchObject({ errcode: 40002 });
    expect(await exchange(code, APP, { appid: 'wx0000000000000000' })).toMatchObject({ errcode: 40013 });
    expect(await exchange(code, APP, { secret: OTHER.secret })).toMatchObject({ errcode: 40125 });
    expect(await exchange(code)).toMatchObject({ openid: OPENID });
  });

  it('gives each login a new session_key, stable until the next login', async () => {
    login.issueLoginCode(APP.appid, OPENID);
    const first = login.sessionKeyOf(APP.appid, OPENID);
    const data = login.encryptForUser(APP.appid, OPENID, { nickName: 'x' });
    expect(login.sessionKeyOf(APP.appid, OPENID)).toBe(first);
    expect(decryptUserData({ appid: APP.appid, sessionKey: first!, ...data })).toMatchObject({ nickName: 'x' });

    const code = login.issueLoginCode(APP.appid, OPENID);
    const second = (await exchange(code)).session_key;
    expect(second).toBe(login.sessionKeyOf(APP.appid, OPENID));
    expect(second).not.toBe(first);
    expect(login.sessionKeyOf(APP.appid, 'oSomeoneElse')).toBeUndefined();
  });

  it('answers the faults injected through the WeChat emulator (45011, 40226)', async () => {
    wechat.inject({ path: '/sns/jscode2session', errcode: 45011, times: 1 });
    wechat.inject({ path: '/sns/jscode2session', appid: OTHER.appid, errcode: 40226, errmsg: 'high risk user', times: 1 });
    const code = login.issueLoginCode(APP.appid, OPENID);
    expect(await exchange(code)).toMatchObject({ errcode: 45011 });
    expect(await exchange(login.issueLoginCode(OTHER.appid, OPENID), OTHER)).toMatchObject({ errcode: 40226 });
    expect(await exchange(code)).toMatchObject({ openid: OPENID });
  });
});

describe('encryptForUser', () => {
  it("encrypts with the user's current session_key and watermarks the appid and the clock's time", () => {
    login.issueLoginCode(APP.appid, OPENID);
    const { encryptedData, iv } = login.encryptForUser(APP.appid, OPENID, { openId: OPENID, nickName: '微信用户' });
    expect(Buffer.from(iv, 'base64')).toHaveLength(16);
    const data = decryptUserData({ appid: APP.appid, sessionKey: login.sessionKeyOf(APP.appid, OPENID)!, encryptedData, iv });
    expect(data).toEqual({ openId: OPENID, nickName: '微信用户', watermark: { appid: APP.appid, timestamp: Math.floor(clock.now() / 1000) } });
  });

  it('refuses a user who never logged in', () => {
    expect(() => login.encryptForUser(APP.appid, OPENID, {})).toThrow(/never logged in/);
  });
});

describe('POST /wxa/business/getuserphonenumber', () => {
  it("answers phone_info once per code, watermarked with the caller's appid", async () => {
    const code = login.issuePhoneCode(APP.appid, { phoneNumber: '13800138000' });
    const accessToken = await token();
    expect(await phone({ code }, accessToken)).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { appid: APP.appid, timestamp: Math.floor(clock.now() / 1000) },
      },
    });
    expect(await phone({ code }, accessToken)).toMatchObject({ errcode: 40029 });
  });

  it('keeps a foreign number as given', async () => {
    const code = login.issuePhoneCode(APP.appid, { phoneNumber: '+1 2025550123', purePhoneNumber: '2025550123', countryCode: '1' });
    expect(await phone({ code }, await token())).toMatchObject({
      phone_info: { phoneNumber: '+1 2025550123', purePhoneNumber: '2025550123', countryCode: '1' },
    });
  });

  it('answers 40029 for an unknown, expired or foreign code', async () => {
    const accessToken = await token();
    const expired = login.issuePhoneCode(APP.appid, { phoneNumber: '13800138000' });
    clock.advance(LOGIN_CODE_TTL_MS);
    expect(await phone({ code: expired }, accessToken)).toMatchObject({ errcode: 40029 });
    expect(await phone({ code: 'f'.repeat(32) }, accessToken)).toMatchObject({ errcode: 40029 });
    expect(await phone({ code: 42 }, accessToken)).toMatchObject({ errcode: 40029 });
    const foreign = login.issuePhoneCode(OTHER.appid, { phoneNumber: '13800138000' });
    expect(await phone({ code: foreign }, accessToken)).toMatchObject({ errcode: 40029 });
    expect(await phone({ code: foreign }, await token(OTHER))).toMatchObject({ errcode: 0 });
  });

  it('needs a valid access token, POST and a JSON body with a code', async () => {
    const code = login.issuePhoneCode(APP.appid, { phoneNumber: '13800138000' });
    expect(await phone({ code }, undefined)).toMatchObject({ errcode: 41001 });
    expect(await phone({ code }, 'not-a-token')).toMatchObject({ errcode: 40001 });
    const accessToken = await token();
    expect(await phone(undefined, accessToken, 'GET')).toMatchObject({ errcode: 43002 });
    expect(await phone([], accessToken)).toMatchObject({ errcode: 47001 });
    expect(await phone({}, accessToken)).toMatchObject({ errcode: 41008 });
    expect(await phone({ code }, accessToken)).toMatchObject({ errcode: 0 });
  });
});
