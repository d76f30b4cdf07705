import { createCipheriv } from 'crypto';
import type { Server } from 'http';
import { InvalidArgumentError, ManualClock, NetworkError, ProtocolError } from '@wxhub/core';
import { MemoryStore, TokenCache } from '@wxhub/token-cache';
import { LOGIN_CODE_TTL_MS, LoginEmulator, WECHAT_TOKEN_POLICY, WeChatEmulator } from '@wxhub/local-cloud';
import { Router, close, listen } from '@wxhub/local-cloud/testing';
import { WeChatApiError, WeChatClient, clientCredentialProvider, tokenSource } from '../src';
import { LOGIN_ERRCODES, LoginDataError, code2Session, decryptLoginData, getUserPhoneNumber, type LoginSession, type UserInfoData } from '../src/login';
import { APP_A, APP_B } from './support/local-wechat';

const OPENID = 'oA1b2C3d4E5f6G7h8I9j0KlMnOpQ';
const USER_INFO = {
  openId: OPENID,
  nickName: '微信用户',
  gender: 0,
  language: 'zh_CN',
  city: '',
  province: '',
  country: '',
  avatarUrl: 'https://example.invalid/a.png',
};

let clock: ManualClock;
let wechat: WeChatEmulator;
let login: LoginEmulator;
let server: Server;
let baseUrl: string;

beforeEach(async () => {
  clock = new ManualClock();
  wechat = new WeChatEmulator({ apps: [APP_A, APP_B], clock, policy: WECHAT_TOKEN_POLICY });
  login = new LoginEmulator({ apps: [APP_A, APP_B], clock, wechat });
  const router = new Router();
  router.mount(wechat.service);
  router.mount(login.service);
  ({ server, url: baseUrl } = await listen(router));
});

afterEach(async () => {
  wechat.clearFaults();
  await close(server);
});

function exchange(code: string, app = APP_A): Promise<LoginSession> {
  return code2Session({ appid: app.appid, secret: app.secret, code, baseUrl });
}

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The texts a login error must never carry. */
function expectNoSecrets(error: unknown, ...secrets: string[]): void {
  const text = `${String(error)} ${JSON.stringify(error)}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** AES-128-CBC + PKCS#7 of any plaintext, to forge what WeChat would never send. */
function encryptRaw(sessionKey: string, iv: Buffer, plaintext: string): { encryptedData: string; iv: string } {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
  return { encryptedData: Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64'), iv: iv.toString('base64') };
}

describe('login end to end against the local cloud', () => {
  it('wx.login code → code2Session → user info decrypted with the session key, watermark checked', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID, { unionid: 'oUnion-0001' });
    const session = await exchange(code);
    expect(session).toEqual({ openid: OPENID, sessionKey: login.sessionKeyOf(APP_A.appid, OPENID), unionid: 'oUnion-0001' });

    const { encryptedData, iv } = login.encryptForUser(APP_A.appid, OPENID, USER_INFO);
    const data = decryptLoginData<UserInfoData>({ appid: APP_A.appid, sessionKey: session.sessionKey, encryptedData, iv });
    expect(data).toEqual({ ...USER_INFO, watermark: { appid: APP_A.appid, timestamp: Math.floor(clock.now() / 1000) } });
    expect(data.openId).toBe(session.openid);
  });

  it('a user without unionid gets none', async () => {
    expect(await exchange(login.issueLoginCode(APP_A.appid, OPENID))).toEqual({ openid: OPENID, sessionKey: expect.any(String) });
  });

  it("refuses data issued for another mini program (the other app's key and watermark)", async () => {
    const session = await exchange(login.issueLoginCode(APP_B.appid, OPENID), APP_B);
    const fromB = login.encryptForUser(APP_B.appid, OPENID, USER_INFO);
    expect(decryptLoginData({ appid: APP_B.appid, sessionKey: session.sessionKey, ...fromB })).toMatchObject({ nickName: '微信用户' });

    const error = await rejection(() => decryptLoginData({ appid: APP_A.appid, sessionKey: session.sessionKey, ...fromB }));
    expect(error).toBeInstanceOf(LoginDataError);
    expect(error).toMatchObject({ code: 'LOGIN_DATA', reason: 'foreign-appid', transient: false });
    expectNoSecrets(error, session.sessionKey, APP_A.appid, APP_B.appid);
  });

  it('a reused code is WeChatApiError 40163; the secret and the code are in no message', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    await exchange(code);
    const error = await rejection(exchange(code));
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ api: '/sns/jscode2session', errcode: LOGIN_ERRCODES.codeUsed, transient: false });
    expectNoSecrets(error, APP_A.secret, code);
  });

  it('an expired code (5 minutes by the clock) is 40029', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    clock.advance(LOGIN_CODE_TTL_MS);
    const error = await rejection(exchange(code));
    expect(error).toMatchObject({ errcode: LOGIN_ERRCODES.invalidCode });
    expectNoSecrets(error, APP_A.secret, code);
  });

  it('a wrong appsecret is 40125, an unknown appid 40013', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    const wrongSecret = 'ffffffffffffffffffffffffffffffff';
    const error = await rejection(code2Session({ appid: APP_A.appid, secret: wrongSecret, code, baseUrl }));
    expect(error).toMatchObject({ errcode: 40125 });
    expectNoSecrets(error, wrongSecret, code);
    expect(await rejection(code2Session({ appid: 'wx0000000000000000', secret: APP_A.secret, code, baseUrl }))).toMatchObject({ errcode: 40013 });
    expect(await exchange(code)).toMatchObject({ openid: OPENID });
  });

  it('rate limit (45011) and risk control (40226) are typed, and not retried', async () => {
    wechat.inject({ path: '/sns/jscode2session', errcode: 45011, times: 1 });
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    expect(await rejection(exchange(code))).toMatchObject({ errcode: LOGIN_ERRCODES.rateLimited });
    wechat.inject({ path: '/sns/jscode2session', errcode: 40226, errmsg: 'high risk user', times: 1 });
    expect(await rejection(exchange(code))).toMatchObject({ errcode: LOGIN_ERRCODES.riskyUser, errmsg: expect.stringMatching(/^high risk user/) });
    // Each failure above was one request: the code is still unspent.
    expect(await exchange(code)).toMatchObject({ openid: OPENID });
  });

  it('masks the secret and the code if WeChat echoes them in its errmsg', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    wechat.inject({
      path: '/sns/jscode2session',
      times: 1,
      respond: (request) => ({ body: { errcode: 40029, errmsg: `invalid code ${request.query.get('js_code')} for secret ${request.query.get('secret')}` } }),
    });
    const error = await rejection(exchange(code));
    expect(error).toMatchObject({ errcode: 40029 });
    expectNoSecrets(error, APP_A.secret, code);
  });

  it('an answer without session_key is a ProtocolError that names neither secret nor code', async () => {
    wechat.inject({ path: '/sns/jscode2session', times: 1, respond: () => ({ body: { openid: OPENID } }) });
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    const error = await rejection(exchange(code));
    expect(error).toBeInstanceOf(ProtocolError);
    expectNoSecrets(error, APP_A.secret, code);
  });

  it('an unreachable WeChat is a NetworkError that names neither secret nor code', async () => {
    const code = login.issueLoginCode(APP_A.appid, OPENID);
    const gone = await listen(new Router());
    await close(gone.server);
    const error = await rejection(code2Session({ appid: APP_A.appid, secret: APP_A.secret, code, baseUrl: gone.url }));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecrets(error, APP_A.secret, code);
  });

  it('checks its arguments before sending anything', async () => {
    expect(await rejection(exchange(''))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(exchange('x'.repeat(300)))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(code2Session({ appid: APP_A.appid, secret: '', code: 'c', baseUrl }))).toMatchObject({ field: 'secret' });
  });
});

describe('decryptLoginData failures', () => {
  let sessionKey: string;
  let good: { encryptedData: string; iv: string };
  beforeEach(async () => {
    sessionKey = (await exchange(login.issueLoginCode(APP_A.appid, OPENID))).sessionKey;
    good = login.encryptForUser(APP_A.appid, OPENID, USER_INFO);
  });

  function failure(params: { sessionKey?: string; encryptedData?: string; iv?: string }): LoginDataError {
    try {
      decryptLoginData({ appid: APP_A.appid, sessionKey, ...good, ...params });
    } catch (error) {
      expect(error).toBeInstanceOf(LoginDataError);
      return error as LoginDataError;
    }
    throw new Error('expected decryptLoginData to throw');
  }

  it('a session key that is not 16 bytes of base64 is reason session-key', () => {
    expect(failure({ sessionKey: 'c2hvcnQ=' }).reason).toBe('session-key');
    expect(failure({ sessionKey: '!!!' }).reason).toBe('session-key');
  });

  it('an iv or encryptedData of the wrong shape says which', () => {
    expect(failure({ iv: Buffer.alloc(12).toString('base64') }).reason).toBe('iv');
    expect(failure({ iv: 'not base64!' }).reason).toBe('iv');
    expect(failure({ encryptedData: Buffer.alloc(20).toString('base64') }).reason).toBe('ciphertext');
  });

  it('a stale session key (the user logged in again), a wrong iv, tampered data, JSON without watermark and non-JSON are one answer', () => {
    const stale = sessionKey;
    login.issueLoginCode(APP_A.appid, OPENID);
    const current = login.sessionKeyOf(APP_A.appid, OPENID)!;
    const tampered = Buffer.from(good.encryptedData, 'base64');
    tampered[tampered.length - 1]! ^= 0x01;
    const iv = Buffer.alloc(16, 7);

    const failures = [
      failure({ sessionKey: current }),
      failure({ iv: Buffer.alloc(16, 1).toString('base64') }),
      failure({ encryptedData: tampered.toString('base64') }),
      failure({ sessionKey: stale, ...encryptRaw(stale, iv, JSON.stringify({ nickName: 'no watermark' })) }),
      failure({ sessionKey: stale, ...encryptRaw(stale, iv, 'plainly not JSON') }),
    ];
    for (const error of failures) {
      expect(error.reason).toBe('undecryptable');
      expect(error.message).toBe(failures[0]!.message);
      expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'LoginDataError', code: 'LOGIN_DATA', transient: false, reason: 'undecryptable' });
      expectNoSecrets(error, stale, current);
    }
    // Bad padding and non-JSON are one cause too, after the same work (issue 10, item 11): only
    // JSON without a watermark, which needs the right key, stays apart in the server's logs.
    expect(failures.map((error) => (error.cause as { code?: string }).code)).toEqual([
      'CRYPTO_BAD_PADDING',
      'CRYPTO_BAD_PADDING',
      'CRYPTO_BAD_PADDING',
      'CRYPTO_NO_WATERMARK',
      'CRYPTO_BAD_PADDING',
    ]);
  });
});

describe('getUserPhoneNumber', () => {
  function client(app = APP_A): WeChatClient {
    const cache = new TokenCache({
      store: new MemoryStore(),
      clock,
      providers: { [app.appid]: clientCredentialProvider({ appid: app.appid, secret: app.secret, baseUrl, clock }) },
    });
    return new WeChatClient({ baseUrl, tokens: tokenSource(cache, app.appid), appid: app.appid });
  }

  it('exchanges a getPhoneNumber code for the number, once', async () => {
    const code = login.issuePhoneCode(APP_A.appid, { phoneNumber: '13800138000' });
    const wx = client();
    expect(await getUserPhoneNumber(wx, code)).toEqual({
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
      watermark: { appid: APP_A.appid, timestamp: Math.floor(clock.now() / 1000) },
    });
    const error = await rejection(getUserPhoneNumber(wx, code));
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).toMatchObject({ api: '/wxa/business/getuserphonenumber', errcode: LOGIN_ERRCODES.invalidCode });
    expectNoSecrets(error, code);
  });

  it("a code WeChat echoes back in its errmsg is masked; another app's code is 40029", async () => {
    const code = login.issuePhoneCode(APP_B.appid, { phoneNumber: '13800138000' });
    wechat.inject({ path: '/wxa/business/getuserphonenumber', times: 1, respond: () => ({ body: { errcode: 40029, errmsg: `invalid code ${code}` } }) });
    expectNoSecrets(await rejection(getUserPhoneNumber(client(), code)), code);
    expect(await rejection(getUserPhoneNumber(client(), code))).toMatchObject({ errcode: 40029 });
    expect(await getUserPhoneNumber(client(APP_B), code)).toMatchObject({ phoneNumber: '13800138000', watermark: { appid: APP_B.appid } });
  });

  it('a malformed phone_info is a ProtocolError; an empty code is refused before sending', async () => {
    wechat.inject({
      path: '/wxa/business/getuserphonenumber',
      times: 1,
      respond: () => ({ body: { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: 13800138000 } } }),
    });
    expect(await rejection(getUserPhoneNumber(client(), 'a'.repeat(32)))).toBeInstanceOf(ProtocolError);
    expect(await rejection(getUserPhoneNumber(client(), ''))).toBeInstanceOf(InvalidArgumentError);
  });
});
