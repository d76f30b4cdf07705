import { createDecipheriv } from 'node:crypto';
import { WxhubError } from '@wxhub/core';
import {
  AppidMismatchError,
  BadPaddingError,
  InvalidCiphertextError,
  InvalidIvError,
  InvalidSessionKeyError,
  MissingWatermarkError,
  UserInfoData,
  WechatCryptoError,
  decryptUserData,
  encryptUserData,
  generateSessionKey,
} from '../src';
import { LOGIN_DEMO } from '../src/testing';
import { sealLoginPlaintext } from './reference-seal';

const { appid, sessionKey, iv, encryptedData } = LOGIN_DEMO;

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function decryptPlaintext(plaintext: Buffer | string, autoPadding = true): unknown {
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return caught(() => decryptUserData({ appid, sessionKey, iv, encryptedData: sealLoginPlaintext(sessionKey, iv, bytes, autoPadding) }));
}

describe("decryptUserData against WeChat's published demo", () => {
  it('decrypts the official sample to the published userInfo', () => {
    const data = decryptUserData<UserInfoData>({ appid, sessionKey, iv, encryptedData });
    expect(data).toEqual(LOGIN_DEMO.expected);
    expect(data.openId).toBe('oGZUI0egBJY1zhBYw2KhdUfwVJJE');
    expect(data.watermark.timestamp).toBe(1477314187);
  });

  it('refuses the official sample for another appid, naming both appids masked', () => {
    const error = caught(() => decryptUserData({ appid: 'wx0000000000000000', sessionKey, iv, encryptedData }));
    expect(error).toBeInstanceOf(AppidMismatchError);
    const mismatch = error as AppidMismatchError;
    expect(mismatch.code).toBe('CRYPTO_APPID_MISMATCH');
    expect(mismatch.actualAppid).toBe('wx4***4b');
    expect(mismatch.expectedAppid).toBe('wx0***00');
    expect(mismatch.message).toContain('wx4***4b');
    expect(mismatch.message).toContain('wx0***00');
    expect(mismatch.message).not.toContain(appid);
  });

  it('re-creates the official ciphertext byte for byte from the published plaintext', () => {
    const { watermark, ...data } = LOGIN_DEMO.expected;
    const sealed = encryptUserData({ appid, sessionKey, iv, timestamp: watermark.timestamp, data });
    expect(sealed).toEqual({ encryptedData, iv });
  });
});

describe('decryptUserData rejects bad input with one typed error per cause', () => {
  it.each([
    ['not base64', 'tiihtNczf5v6AKRyjwEU!Q=='],
    ['missing padding', 'tiihtNczf5v6AKRyjwEUhQ'],
    ['non-canonical trailing bits', 'tiihtNczf5v6AKRyjwEUhR=='],
    ['15 bytes', Buffer.alloc(15, 1).toString('base64')],
    ['32 bytes', Buffer.alloc(32, 1).toString('base64')],
    ['empty', ''],
  ])('session_key %s', (_label, badKey) => {
    const error = caught(() => decryptUserData({ appid, sessionKey: badKey, iv, encryptedData }));
    expect(error).toBeInstanceOf(InvalidSessionKeyError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_BAD_SESSION_KEY');
    if (badKey.length > 4) expect((error as Error).message).not.toContain(badKey);
  });

  it('session_key that is not a string (a field missing from a request)', () => {
    const error = caught(() => decryptUserData({ appid, sessionKey: undefined as unknown as string, iv, encryptedData }));
    expect(error).toBeInstanceOf(InvalidSessionKeyError);
  });

  it.each([
    ['not base64', 'r7BXXKkLb8qrSNn05n0q*A=='],
    ['8 bytes', Buffer.alloc(8).toString('base64')],
    ['17 bytes', Buffer.alloc(17).toString('base64')],
  ])('iv %s', (_label, badIv) => {
    const error = caught(() => decryptUserData({ appid, sessionKey, iv: badIv, encryptedData }));
    expect(error).toBeInstanceOf(InvalidIvError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_BAD_IV');
  });

  it.each([
    ['not base64', 'CiyLU1Aw2KjvrjMdj8YK$iAjtP4gsMZM'],
    ['empty', ''],
    ['15 bytes', Buffer.alloc(15).toString('base64')],
    ['33 bytes', Buffer.alloc(33).toString('base64')],
    ['wrapped over lines as in the PHP demo', `${encryptedData.slice(0, 32)}\n${encryptedData.slice(32)}`],
    ['with + turned into a space by careless URL decoding', encryptedData.replace(/\+/g, ' ')],
  ])('encryptedData %s', (_label, badData) => {
    const error = caught(() => decryptUserData({ appid, sessionKey, iv, encryptedData: badData }));
    expect(error).toBeInstanceOf(InvalidCiphertextError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_BAD_CIPHERTEXT');
  });

  it('reports every kind of bad padding as the same error with the same message', () => {
    const body = Buffer.from('{"watermark":{"appid":"x","timestamp":1}}', 'utf8');
    const endings = [
      [0x00], // pad 0
      [0x11], // pad 17 > block
      [0x03, 0x02, 0x03], // inconsistent pad bytes
      [0x04, 0x04, 0x04, 0x05, 0x04], // a wrong byte inside the padding
    ];
    const errors = endings.map((ending) => {
      const plaintext = Buffer.alloc(64, 0x20);
      body.copy(plaintext);
      Buffer.from(ending).copy(plaintext, plaintext.length - ending.length);
      return decryptPlaintext(plaintext, false);
    });
    for (const error of errors) {
      expect(error).toBeInstanceOf(BadPaddingError);
      expect((error as BadPaddingError).code).toBe('CRYPTO_BAD_PADDING');
    }
    expect(new Set(errors.map((e) => (e as Error).message)).size).toBe(1);
  });

  it('decrypts data whose padding is a whole block', () => {
    const json = JSON.stringify({ watermark: { appid, timestamp: 1 }, pad: '' });
    const filler = 'y'.repeat(32 - (Buffer.byteLength(json) % 16));
    const text = JSON.stringify({ watermark: { appid, timestamp: 1 }, pad: filler });
    expect(Buffer.byteLength(text) % 16).toBe(0);
    const data = decryptUserData({ appid, sessionKey, iv, encryptedData: sealLoginPlaintext(sessionKey, iv, Buffer.from(text)) });
    expect(data['pad']).toBe(filler);
  });

  it.each([
    ['text', 'hello, not json'],
    ['a JSON array', '[1,2,3]'],
    ['JSON null', 'null'],
    ['a JSON string', '"watermark"'],
  ])('plaintext that is %s: the same error as bad padding (issue 10, item 11)', (_label, text) => {
    const error = decryptPlaintext(text);
    expect(error).toBeInstanceOf(BadPaddingError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_BAD_PADDING');
  });

  it('plaintext that is not UTF-8: the same error as bad padding', () => {
    expect(decryptPlaintext(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toBeInstanceOf(BadPaddingError);
  });

  it('bad padding and bad JSON are one identical error: class, code, message, fields (issue 10, item 11)', () => {
    const badPadding = Buffer.alloc(32, 0x20);
    badPadding[31] = 0x00;
    const [padding, json] = [decryptPlaintext(badPadding, false), decryptPlaintext('hello, not json')] as [WechatCryptoError, WechatCryptoError];
    expect(padding.constructor).toBe(json.constructor);
    expect([padding.code, padding.message, JSON.stringify(padding)]).toEqual([json.code, json.message, JSON.stringify(json)]);
  });

  it.each([
    ['no watermark', { openId: 'o' }],
    ['watermark not an object', { watermark: 'wx4f4bc4dec97d474b' }],
    ['watermark without appid', { watermark: { timestamp: 1 } }],
    ['appid not a string', { watermark: { appid: 1, timestamp: 1 } }],
    ['timestamp a string', { watermark: { appid, timestamp: '1477314187' } }],
  ])('JSON with %s', (_label, payload) => {
    const error = decryptPlaintext(JSON.stringify(payload));
    expect(error).toBeInstanceOf(MissingWatermarkError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_NO_WATERMARK');
  });

  it('gives every failure its own code (bad padding and bad JSON share one), all permanent WxhubErrors', () => {
    const failures = [
      caught(() => decryptUserData({ appid, sessionKey: 'x', iv, encryptedData })),
      caught(() => decryptUserData({ appid, sessionKey, iv: 'x', encryptedData })),
      caught(() => decryptUserData({ appid, sessionKey, iv, encryptedData: 'x' })),
      decryptPlaintext(Buffer.alloc(16), false),
      decryptPlaintext('nope'),
      decryptPlaintext('{}'),
      caught(() => decryptUserData({ appid: 'wx1', sessionKey, iv, encryptedData })),
    ];
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(WechatCryptoError);
      expect(failure).toBeInstanceOf(WxhubError);
      expect((failure as WechatCryptoError).transient).toBe(false);
    }
    const codes = failures.map((f) => (f as WechatCryptoError).code);
    // Bad padding ([3]) and not JSON ([4]) are one error on purpose (no padding oracle).
    expect(codes[3]).toBe(codes[4]);
    expect(new Set(codes).size).toBe(failures.length - 1);
  });
});

describe('encryptUserData', () => {
  it('issues data that a plain AES-128-CBC/PKCS#7 decryption reads back, watermark added last', () => {
    const key = generateSessionKey();
    const sealed = encryptUserData({ appid: 'wxA', sessionKey: key, timestamp: 1700000000, data: { phoneNumber: '13800000000' } });
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(key, 'base64'), Buffer.from(sealed.iv, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.encryptedData, 'base64')), decipher.final()]).toString('utf8');
    expect(text).toBe('{"phoneNumber":"13800000000","watermark":{"timestamp":1700000000,"appid":"wxA"}}');
  });

  it('replaces a watermark supplied in the data', () => {
    const key = generateSessionKey();
    const sealed = encryptUserData({ appid: 'wxA', sessionKey: key, timestamp: 5, data: { watermark: { appid: 'wxEvil', timestamp: 1 } } });
    const data = decryptUserData({ appid: 'wxA', sessionKey: key, ...sealed });
    expect(data.watermark).toEqual({ appid: 'wxA', timestamp: 5 });
  });

  it('uses a fresh random iv each time unless one is given', () => {
    const key = generateSessionKey();
    const a = encryptUserData({ appid: 'wxA', sessionKey: key, data: {} });
    const b = encryptUserData({ appid: 'wxA', sessionKey: key, data: {} });
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(16);
    expect(a.iv).not.toBe(b.iv);
  });

  it('validates its key and iv like decryption does', () => {
    expect(() => encryptUserData({ appid: 'wxA', sessionKey: 'short', data: {} })).toThrow(InvalidSessionKeyError);
    expect(() => encryptUserData({ appid: 'wxA', sessionKey, iv: 'short', data: {} })).toThrow(InvalidIvError);
  });

  it("generates session keys in WeChat's format", () => {
    const key = generateSessionKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(generateSessionKey()).not.toBe(key);
  });
});

describe("what the watermark does not protect (WeChat's scheme has no MAC)", () => {
  it("accepts an iv with one flipped bit, yielding a different openId: never trust encryptedData's openId over jscode2session's", () => {
    // Plaintext block 0 is `{"openId":"oGZUI`; byte 11 is the openId's first character.
    const tampered = Buffer.from(iv, 'base64');
    tampered[11] = (tampered[11] ?? 0) ^ 0x01;
    const data = decryptUserData<UserInfoData>({ appid, sessionKey, iv: tampered.toString('base64'), encryptedData });
    expect(data.openId).toBe('nGZUI0egBJY1zhBYw2KhdUfwVJJE');
  });
});
