import { appUser } from '../src/wechat/user-identities';

describe('appUser: how WeChat names one person in each app', () => {
  const A = { appid: 'wxa0000000000000a1', openPlatform: 'open-1' };
  const B = { appid: 'wxb0000000000000b2', openPlatform: 'open-1' };
  const C = { appid: 'wxc0000000000000c3', openPlatform: 'open-2' };
  const D = { appid: 'wxd0000000000000d4' };

  it('gives a person one openid per app, the same every time', () => {
    expect(appUser(A, 'lilei').openid).toBe(appUser(A, 'lilei').openid);
    expect(appUser(A, 'lilei').openid).not.toBe(appUser(B, 'lilei').openid);
    expect(appUser(A, 'lilei').openid).not.toBe(appUser(A, 'hanmeimei').openid);
    expect(appUser(A, 'lilei').openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
  });

  it('gives one unionid per person across the apps of one open-platform account, none without an account', () => {
    expect(appUser(A, 'lilei').unionid).toBe(appUser(B, 'lilei').unionid);
    expect(appUser(A, 'lilei').unionid).not.toBe(appUser(A, 'hanmeimei').unionid);
    expect(appUser(C, 'lilei').unionid).not.toBe(appUser(A, 'lilei').unionid);
    expect(appUser(D, 'lilei')).toEqual({ openid: expect.any(String) });
  });
});
