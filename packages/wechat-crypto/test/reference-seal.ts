import { createCipheriv } from 'node:crypto';

/**
 * An independent, deliberately naive AES-256-CBC sealer for push messages, written from the
 * documentation rather than from src/: it encrypts whatever plaintext bytes a test builds
 * (a lying length field, a foreign appid, bad padding) so decrypt's checks can be reached
 * past a valid signature.
 */
export function sealPushPlaintext(encodingAESKey: string, plaintext: Buffer, padding: 'pkcs7-32' | 'none' = 'pkcs7-32'): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  let body = plaintext;
  if (padding === 'pkcs7-32') {
    const pad = 32 - (plaintext.length % 32);
    body = Buffer.concat([plaintext, Buffer.alloc(pad, pad)]);
  }
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(body), cipher.final()]).toString('base64');
}

/** random(16) ‖ uint32 BE length ‖ message ‖ appid, with the length field free to lie. */
export function pushPlaintext(message: Buffer, appid: Buffer, lengthField = message.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(lengthField, 0);
  return Buffer.concat([Buffer.alloc(16, 0x61), length, message, appid]);
}

/** AES-128-CBC with Node's own PKCS#7, as WeChat seals login data. */
export function sealLoginPlaintext(sessionKey: string, iv: string, plaintext: Buffer, autoPadding = true): string {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  cipher.setAutoPadding(autoPadding);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}
