import {
  CloudErrcode,
  WeChatErrcode,
  cloudErrcodeOf,
  databaseErrorCode,
  isDuplicateKey,
  isMissingCollection,
  isTokenRejected,
  isTransientErrcode,
  wechatCode,
} from '../src';

describe("the table of WeChat's codes", () => {
  test('exactly 40001, 40014 and 42001 reject the token; only -1 is transient', () => {
    const all = [...Object.values(WeChatErrcode), ...Object.values(CloudErrcode)];
    expect(all.filter(isTokenRejected).sort()).toEqual([40001, 40014, 42001]);
    expect(all.filter(isTransientErrcode)).toEqual([-1]);
    expect(isTokenRejected(99999)).toBe(false);
  });

  test('every named code has a meaning; unknown codes have none', () => {
    for (const code of [...Object.values(WeChatErrcode), ...Object.values(CloudErrcode)]) expect(wechatCode(code)?.meaning).toEqual(expect.any(String));
    expect(wechatCode(12345)).toBeUndefined();
    expect(wechatCode(WeChatErrcode.ACCESS_TOKEN_EXPIRED)?.errmsg).toBe('access_token expired');
  });

  test("the backend's string codes numbered as wx-server-sdk numbers them, -501001 for the rest", () => {
    expect(cloudErrcodeOf('DATABASE_COLLECTION_NOT_EXIST')).toBe(-502005);
    expect(cloudErrcodeOf('INVALID_PARAM')).toBe(-501007);
    expect(cloudErrcodeOf('DATABASE_REQUEST_FAILED')).toBe(-502001);
    expect(cloudErrcodeOf('DATABASE_COLLECTION_ALREADY_EXIST')).toBe(-501001);
  });
});

describe("wx-server-sdk's database errors", () => {
  test('the code comes from errCode, else from the message', () => {
    expect(databaseErrorCode({ errCode: -502005, message: 'whatever' })).toBe(-502005);
    expect(databaseErrorCode(new Error('collection.add:fail -502001 database request fail. E11000 duplicate key'))).toBe(-502001);
    expect(databaseErrorCode({ errMsg: 'no number here' })).toBeUndefined();
    expect(databaseErrorCode('a string')).toBeUndefined();
  });

  test('a missing collection by its code or by the backend words the SDK passes on under -1', () => {
    expect(isMissingCollection({ errCode: -502005 })).toBe(true);
    expect(isMissingCollection(new Error('collection.get:fail -502005 database collection not exists'))).toBe(true);
    expect(isMissingCollection(Object.assign(new Error('DATABASE_COLLECTION_NOT_EXIST: Db or Table not exist'), { errCode: -1 }))).toBe(true);
    expect(isMissingCollection(new Error('collection.add:fail -502001 E11000 duplicate key'))).toBe(false);
    expect(isMissingCollection(undefined)).toBe(false);
  });

  test('a duplicate key by E11000', () => {
    expect(isDuplicateKey(new Error('collection.add:fail -502001 database request fail. E11000 duplicate key error'))).toBe(true);
    expect(isDuplicateKey({ errMsg: 'duplicate key' })).toBe(true);
    expect(isDuplicateKey(new Error('-502005 collection not exists'))).toBe(false);
  });
});
