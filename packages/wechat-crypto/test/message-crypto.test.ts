import { ConfigError, InvalidArgumentError, ManualClock } from '@wxhub/core';
import {
  AppidMismatchError,
  BadMessageEncodingError,
  BadMessageLengthError,
  BadPaddingError,
  InvalidCiphertextError,
  InvalidEncodingAesKeyError,
  MessageCrypto,
  SignatureMismatchError,
  WechatCryptoError,
  generateEncodingAesKey,
  msgSignature,
} from '../src';
import { CORP_VERIFY_URL, CPP_SAMPLE, JAVA_SAMPLE, PUSH_DOC, PYTHON_SAMPLE } from '../src/testing';
import { pushPlaintext, sealPushPlaintext } from './reference-seal';

function fixedRandom(text: string): () => Buffer {
  return () => Buffer.from(text, 'latin1');
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe("MessageCrypto against WeChat's published samples", () => {
  it("reproduces the Java sample's ciphertexts from its fixed random prefix", () => {
    const crypto = new MessageCrypto({ ...JAVA_SAMPLE, randomBytes: fixedRandom(JAVA_SAMPLE.random) });
    expect(crypto.encryptToBase64(JAVA_SAMPLE.replyMsg)).toBe(JAVA_SAMPLE.afterAesEncrypt);
    expect(crypto.encryptToBase64(JAVA_SAMPLE.replyMsg2)).toBe(JAVA_SAMPLE.afterAesEncrypt2);
  });

  it('decrypts the documented debug_demo push (43-character key of all A: an all-zero AES key)', () => {
    const crypto = new MessageCrypto(PUSH_DOC);
    const { Encrypt, msgSignature: signature, timestamp, nonce } = PUSH_DOC.push;
    expect(Buffer.from(Encrypt, 'base64')).toHaveLength(PUSH_DOC.push.ciphertextBytes);
    const message = crypto.decrypt({ Encrypt, msgSignature: signature, timestamp, nonce });
    expect(message).toBe(PUSH_DOC.push.message);
    expect(Buffer.byteLength(message, 'utf8')).toBe(PUSH_DOC.push.messageBytes);
  });

  it('produces the documented encrypted reply, signature included', () => {
    const { random, message, timestamp, nonce, Encrypt, MsgSignature } = PUSH_DOC.reply;
    const crypto = new MessageCrypto({ ...PUSH_DOC, randomBytes: fixedRandom(random) });
    expect(crypto.encrypt(message, { timestamp, nonce })).toEqual({ Encrypt, MsgSignature, TimeStamp: timestamp, Nonce: nonce });
  });

  it('decrypts the Python sample to the message its compatible-mode body shows in clear', () => {
    const crypto = new MessageCrypto(PYTHON_SAMPLE);
    const message = crypto.decrypt(PYTHON_SAMPLE);
    for (const field of PYTHON_SAMPLE.clearFields) expect(message).toContain(field);
    expect(message.startsWith('<xml>')).toBe(true);
    expect(message.endsWith('</xml>')).toBe(true);
  });

  it('decrypts the C++ sample', () => {
    const message = new MessageCrypto(CPP_SAMPLE).decrypt(CPP_SAMPLE);
    for (const field of CPP_SAMPLE.expectedFields) expect(message).toContain(field);
  });

  it("decrypts the verify-URL sample's echostr", () => {
    const { msgSignature: signature, timestamp, nonce, echostr, expected } = CORP_VERIFY_URL;
    const crypto = new MessageCrypto(CORP_VERIFY_URL);
    expect(crypto.decrypt({ Encrypt: echostr, msgSignature: signature, timestamp, nonce })).toBe(expected);
  });

  it('refuses a sample addressed to another appid', () => {
    const crypto = new MessageCrypto({ ...PYTHON_SAMPLE, appid: 'wxb11529c136998cb6' });
    const error = caught(() => crypto.decrypt(PYTHON_SAMPLE));
    expect(error).toBeInstanceOf(AppidMismatchError);
    expect((error as Error).message).toContain('wx2***c2');
    expect((error as Error).message).toContain('wxb***b6');
    expect((error as Error).message).not.toContain(PYTHON_SAMPLE.appid);
  });
});

describe('MessageCrypto construction', () => {
  const base = { token: 't', appid: 'wxA' };
  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['a character outside base64', `${'a'.repeat(42)}-`],
    ['padding included', `${'a'.repeat(42)}=`],
  ])('rejects an EncodingAESKey of %s', (_label, encodingAESKey) => {
    const error = caught(() => new MessageCrypto({ ...base, encodingAESKey }));
    expect(error).toBeInstanceOf(InvalidEncodingAesKeyError);
    expect((error as WechatCryptoError).code).toBe('CRYPTO_BAD_AES_KEY');
    expect((error as Error).message).not.toContain(encodingAESKey);
  });

  it('rejects an empty token or appid as configuration errors', () => {
    expect(() => new MessageCrypto({ ...base, token: '', encodingAESKey: JAVA_SAMPLE.encodingAESKey })).toThrow(ConfigError);
    expect(() => new MessageCrypto({ ...base, appid: '', encodingAESKey: JAVA_SAMPLE.encodingAESKey })).toThrow(ConfigError);
  });

  it('generates keys it accepts', () => {
    const key = generateEncodingAesKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(() => new MessageCrypto({ ...base, encodingAESKey: key })).not.toThrow();
  });
});

describe('MessageCrypto.encrypt', () => {
  const crypto = new MessageCrypto({ ...JAVA_SAMPLE, clock: new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 5, 999)) });

  it('defaults TimeStamp to the clock in seconds and Nonce to a decimal string', () => {
    const sealed = crypto.encrypt('hi');
    expect(sealed.TimeStamp).toBe(String(Date.UTC(2026, 0, 1, 0, 0, 5) / 1000));
    expect(sealed.Nonce).toMatch(/^\d{9}$/);
    expect(sealed.MsgSignature).toBe(msgSignature({ token: JAVA_SAMPLE.token, timestamp: sealed.TimeStamp, nonce: sealed.Nonce, encrypt: sealed.Encrypt }));
  });

  it('pads to 32-byte blocks and uses a fresh random prefix each time', () => {
    const a = crypto.encryptToBase64('hello');
    const b = crypto.encryptToBase64('hello');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').length % 32).toBe(0);
  });

  it('round-trips messages of every padding length, including a whole 32-byte block of padding', () => {
    const fixedPart = 16 + 4 + Buffer.byteLength(JAVA_SAMPLE.appid);
    for (let extra = 0; extra < 40; extra += 1) {
      const message = 'x'.repeat(extra);
      const sealed = crypto.encrypt(message, { timestamp: 1, nonce: 'n' });
      if ((fixedPart + extra) % 32 === 0) expect(Buffer.from(sealed.Encrypt, 'base64')).toHaveLength(fixedPart + extra + 32);
      expect(crypto.decrypt({ ...sealed, msgSignature: sealed.MsgSignature, timestamp: sealed.TimeStamp, nonce: sealed.Nonce })).toBe(message);
    }
  });

  it('refuses a randomBytes source that returns the wrong size', () => {
    const broken = new MessageCrypto({ ...JAVA_SAMPLE, randomBytes: () => Buffer.alloc(8) });
    expect(() => broken.encrypt('x')).toThrow(InvalidArgumentError);
  });
});

describe('MessageCrypto.decrypt failures', () => {
  const { token, encodingAESKey, appid } = JAVA_SAMPLE;
  const crypto = new MessageCrypto({ token, encodingAESKey, appid });
  const timestamp = '1409304348';
  const nonce = 'xxxxxx';

  /** Decrypts an Encrypt that carries a valid signature, so the checks after it are reached. */
  function decryptSigned(Encrypt: string): unknown {
    const signature = msgSignature({ token, timestamp, nonce, encrypt: Encrypt });
    return caught(() => crypto.decrypt({ Encrypt, msgSignature: signature, timestamp, nonce }));
  }

  function expectCode(error: unknown, type: abstract new (...args: never[]) => WechatCryptoError, code: string): void {
    expect(error).toBeInstanceOf(type);
    expect((error as WechatCryptoError).code).toBe(code);
  }

  it('checks the signature before looking at the ciphertext', () => {
    const error = caught(() => crypto.decrypt({ Encrypt: '%%% not base64 %%%', msgSignature: '0'.repeat(40), timestamp, nonce }));
    expectCode(error, SignatureMismatchError, 'CRYPTO_BAD_SIGNATURE');
  });

  it('rejects a valid message under a wrong signature, timestamp or nonce', () => {
    const sealed = crypto.encrypt('hello', { timestamp, nonce });
    const good = { Encrypt: sealed.Encrypt, msgSignature: sealed.MsgSignature, timestamp, nonce };
    expect(crypto.decrypt(good)).toBe('hello');
    expect(caught(() => crypto.decrypt({ ...good, timestamp: '1409304349' }))).toBeInstanceOf(SignatureMismatchError);
    expect(caught(() => crypto.decrypt({ ...good, nonce: 'xxxxxy' }))).toBeInstanceOf(SignatureMismatchError);
    expect(caught(() => crypto.decrypt({ ...good, msgSignature: good.msgSignature.slice(0, 39) }))).toBeInstanceOf(SignatureMismatchError);
    expect(caught(() => crypto.decrypt({ ...good, msgSignature: undefined as unknown as string }))).toBeInstanceOf(SignatureMismatchError);
    expect(caught(() => crypto.decrypt({ ...good, nonce: undefined as unknown as string }))).toBeInstanceOf(SignatureMismatchError);
    expect(caught(() => crypto.decrypt({ ...good, Encrypt: undefined as unknown as string }))).toBeInstanceOf(InvalidCiphertextError);
  });

  it.each([
    ['not base64', 'abc$'],
    ['empty', ''],
    ['15 bytes', Buffer.alloc(15).toString('base64')],
    ['40 bytes', Buffer.alloc(40).toString('base64')],
  ])('rejects a signed Encrypt that is %s', (_label, Encrypt) => {
    expectCode(decryptSigned(Encrypt), InvalidCiphertextError, 'CRYPTO_BAD_CIPHERTEXT');
  });

  it('reports any bad padding as the same error', () => {
    const endings = [[0x00], [0x21], [0x05, 0x04, 0x05], [0x14, ...Array<number>(18).fill(0x14), 0x13, 0x14]];
    const errors = endings.map((ending) => {
      const plaintext = pushPlaintext(Buffer.from('message'), Buffer.from(appid));
      const block = Buffer.alloc(64, 0x20);
      plaintext.copy(block);
      Buffer.from(ending).copy(block, block.length - ending.length);
      return decryptSigned(sealPushPlaintext(encodingAESKey, block, 'none'));
    });
    for (const error of errors) expectCode(error, BadPaddingError, 'CRYPTO_BAD_PADDING');
    expect(new Set(errors.map((e) => (e as Error).message)).size).toBe(1);
  });

  it('accepts padding longer than an AES block (WeChat pads to 32 bytes)', () => {
    const plaintext = pushPlaintext(Buffer.from('m'), Buffer.from(appid)); // 39 bytes, pad 25
    const signedEncrypt = sealPushPlaintext(encodingAESKey, plaintext);
    const signature = msgSignature({ token, timestamp, nonce, encrypt: signedEncrypt });
    expect(crypto.decrypt({ Encrypt: signedEncrypt, msgSignature: signature, timestamp, nonce })).toBe('m');
  });

  it.each([
    ['larger than the whole buffer', 0xffffffff],
    ['one byte past the end', 2 + Buffer.byteLength(appid) + 1],
  ])('rejects a length field %s', (_label, lengthField) => {
    const plaintext = pushPlaintext(Buffer.from('hi'), Buffer.from(appid), lengthField);
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, plaintext)), BadMessageLengthError, 'CRYPTO_BAD_LENGTH');
  });

  it('rejects a plaintext shorter than the 20-byte header', () => {
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, Buffer.alloc(10, 1))), BadMessageLengthError, 'CRYPTO_BAD_LENGTH');
  });

  it('rejects a length field that leaves part of the message where the appid should be', () => {
    const plaintext = pushPlaintext(Buffer.from('hello'), Buffer.from(appid), 3);
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, plaintext)), AppidMismatchError, 'CRYPTO_APPID_MISMATCH');
  });

  it('rejects a foreign or missing trailing appid', () => {
    const foreign = pushPlaintext(Buffer.from('hi'), Buffer.from('wx0000000000000000'));
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, foreign)), AppidMismatchError, 'CRYPTO_APPID_MISMATCH');
    const none = pushPlaintext(Buffer.from('hi'), Buffer.alloc(0));
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, none)), AppidMismatchError, 'CRYPTO_APPID_MISMATCH');
    const binary = pushPlaintext(Buffer.from('hi'), Buffer.from([0xff, 0xfe]));
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, binary)), AppidMismatchError, 'CRYPTO_APPID_MISMATCH');
  });

  it('rejects a message that is not UTF-8', () => {
    const plaintext = pushPlaintext(Buffer.from([0x3c, 0xc3, 0x28, 0x3e]), Buffer.from(appid));
    expectCode(decryptSigned(sealPushPlaintext(encodingAESKey, plaintext)), BadMessageEncodingError, 'CRYPTO_BAD_ENCODING');
  });

  it('gives each failure its own code, all permanent', () => {
    const codes = new Set([
      'CRYPTO_BAD_SIGNATURE',
      'CRYPTO_BAD_CIPHERTEXT',
      'CRYPTO_BAD_PADDING',
      'CRYPTO_BAD_LENGTH',
      'CRYPTO_APPID_MISMATCH',
      'CRYPTO_BAD_ENCODING',
      'CRYPTO_BAD_AES_KEY',
    ]);
    const errors: WechatCryptoError[] = [
      new SignatureMismatchError(),
      new InvalidCiphertextError('Encrypt', 'x'),
      new BadPaddingError('Encrypt'),
      new BadMessageLengthError('x'),
      new AppidMismatchError('a', 'b'),
      new BadMessageEncodingError('message'),
      new InvalidEncodingAesKeyError('x'),
    ];
    expect(new Set(errors.map((e) => e.code))).toEqual(codes);
    for (const error of errors) expect(error.transient).toBe(false);
  });
});
