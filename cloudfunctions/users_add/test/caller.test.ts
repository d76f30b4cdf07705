import { ReplyError } from '@wxhub/function-kit';
import { registeringCaller } from '../src/caller';
import { userDocumentId } from '../src/user-id';

const A = 'wxa0000000000000a1';
const B = 'wxb0000000000000b2';

describe('registeringCaller', () => {
  const spoofed = { openid: 'oVictim_00001', unionid: 'uVictim_00001' };

  it("A's page: the context's OPENID/APPID/UNIONID, never the event's", () => {
    expect(registeringCaller({ OPENID: 'oA_caller_01', APPID: A, UNIONID: 'uPerson_0001' }, spoofed, B)).toEqual({
      openid: 'oA_caller_01',
      app: A,
      unionid: 'uPerson_0001',
      via: 'page',
    });
    expect(registeringCaller({ OPENID: 'oA_caller_01', APPID: A }, spoofed, B)).toEqual({ openid: 'oA_caller_01', app: A, via: 'page' });
  });

  it('another app through cross-account sharing: FROM_OPENID/FROM_APPID/FROM_UNIONID, never the event', () => {
    expect(registeringCaller({ FROM_OPENID: 'oB_caller_01', FROM_APPID: B, FROM_UNIONID: 'uPerson_0001' }, spoofed, undefined)).toEqual({
      openid: 'oB_caller_01',
      app: B,
      unionid: 'uPerson_0001',
      via: 'shared',
    });
  });

  it("WeChat's HTTP API (no user in the context): the event's openid/unionid and the configured source app", () => {
    expect(registeringCaller({}, { openid: 'oB_caller_01', unionid: 'uPerson_0001' }, B)).toEqual({
      openid: 'oB_caller_01',
      app: B,
      unionid: 'uPerson_0001',
      via: 'http',
    });
  });

  it('refuses a call without a user when no source app is configured for the HTTP API', () => {
    expect(() => registeringCaller({}, { openid: 'oB_caller_01' }, undefined)).toThrow(ReplyError);
  });
});

describe('userDocumentId', () => {
  it('is the unionid when known (one user per person across apps), else app and openid', () => {
    expect(userDocumentId({ app: A, openid: 'oA_1', unionid: 'uPerson_0001' })).toBe('unionid:uPerson_0001');
    expect(userDocumentId({ app: B, openid: 'oB_1', unionid: 'uPerson_0001' })).toBe('unionid:uPerson_0001');
    expect(userDocumentId({ app: A, openid: 'oA_1' })).toBe(`${A}:oA_1`);
    expect(userDocumentId({ app: B, openid: 'oA_1' })).not.toBe(userDocumentId({ app: A, openid: 'oA_1' }));
  });
});
