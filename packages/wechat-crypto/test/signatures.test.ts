import { msgSignature, rawDataSignature, serverSignature, verifyRawDataSignature, verifyServerSignature } from '../src';
import { CORP_VERIFY_URL, CPP_SAMPLE, PUSH_DOC, PYTHON_SAMPLE, RAW_DATA_SIGNATURE } from '../src/testing';

describe('raw data signature (sha1(rawData + session_key))', () => {
  const { rawData, sessionKey, signature } = RAW_DATA_SIGNATURE;

  it('matches the official example', () => {
    expect(rawDataSignature(rawData, sessionKey)).toBe(signature);
    expect(verifyRawDataSignature(rawData, signature, sessionKey)).toBe(true);
  });

  it('rejects a changed rawData, another session_key, or a mangled signature', () => {
    expect(verifyRawDataSignature(rawData.replace('Band', 'Bond'), signature, sessionKey)).toBe(false);
    expect(verifyRawDataSignature(rawData, signature, 'tiihtNczf5v6AKRyjwEUhQ==')).toBe(false);
    expect(verifyRawDataSignature(rawData, signature.slice(0, -1), sessionKey)).toBe(false);
    expect(verifyRawDataSignature(rawData, `${signature}0`, sessionKey)).toBe(false);
    expect(verifyRawDataSignature(rawData, '', sessionKey)).toBe(false);
  });

  it('treats missing fields as a mismatch rather than crashing', () => {
    expect(verifyRawDataSignature(rawData, undefined as unknown as string, sessionKey)).toBe(false);
    expect(verifyRawDataSignature(undefined as unknown as string, signature, sessionKey)).toBe(false);
    expect(verifyRawDataSignature(rawData, signature, null as unknown as string)).toBe(false);
  });
});

describe('push URL check (sha1 of sorted token, timestamp, nonce)', () => {
  const { token } = PUSH_DOC;
  const { signature, timestamp, nonce } = PUSH_DOC.push;

  it('matches the `signature` query parameter of the documented push', () => {
    expect(serverSignature({ token, timestamp, nonce })).toBe(signature);
    expect(verifyServerSignature({ token, timestamp, nonce, signature })).toBe(true);
  });

  it('rejects another token, timestamp, nonce or signature', () => {
    expect(verifyServerSignature({ token: 'AAAAB', timestamp, nonce, signature })).toBe(false);
    expect(verifyServerSignature({ token, timestamp: '1715943330', nonce, signature })).toBe(false);
    expect(verifyServerSignature({ token, timestamp, nonce: '1590219413', signature })).toBe(false);
    expect(verifyServerSignature({ token, timestamp, nonce, signature: signature.toUpperCase() })).toBe(false);
    expect(verifyServerSignature({ token, timestamp, nonce, signature: signature.slice(1) })).toBe(false);
  });

  it('does not depend on the order the parts are given in', () => {
    // Sorting is what makes this true: swapping timestamp and nonce leaves the signature alone.
    expect(serverSignature({ token, timestamp: nonce, nonce: timestamp })).toBe(signature);
  });

  it('treats missing query parameters as a mismatch', () => {
    expect(verifyServerSignature({ token, timestamp, nonce: undefined as unknown as string, signature })).toBe(false);
    expect(verifyServerSignature({ token, timestamp, nonce, signature: undefined as unknown as string })).toBe(false);
  });
});

describe('msg_signature (sha1 of sorted token, timestamp, nonce, Encrypt)', () => {
  it.each([
    ['message-push doc, incoming push', PUSH_DOC.token, PUSH_DOC.push.timestamp, PUSH_DOC.push.nonce, PUSH_DOC.push.Encrypt, PUSH_DOC.push.msgSignature],
    ['message-push doc, encrypted reply', PUSH_DOC.token, PUSH_DOC.reply.timestamp, PUSH_DOC.reply.nonce, PUSH_DOC.reply.Encrypt, PUSH_DOC.reply.MsgSignature],
    ['Python sample', PYTHON_SAMPLE.token, PYTHON_SAMPLE.timestamp, PYTHON_SAMPLE.nonce, PYTHON_SAMPLE.Encrypt, PYTHON_SAMPLE.msgSignature],
    ['C++ sample', CPP_SAMPLE.token, CPP_SAMPLE.timestamp, CPP_SAMPLE.nonce, CPP_SAMPLE.Encrypt, CPP_SAMPLE.msgSignature],
    ['verify-URL sample', CORP_VERIFY_URL.token, CORP_VERIFY_URL.timestamp, CORP_VERIFY_URL.nonce, CORP_VERIFY_URL.echostr, CORP_VERIFY_URL.msgSignature],
  ])('matches the %s', (_label, token, timestamp, nonce, encrypt, expected) => {
    expect(msgSignature({ token, timestamp, nonce, encrypt })).toBe(expected);
  });
});
