import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * Raw AES-CBC over whole blocks; padding is the caller's business (see pkcs7.ts) so that a
 * padding failure is detected by our own check rather than surfacing as an OpenSSL error.
 * The key length picks AES-128 (16 bytes) or AES-256 (32 bytes).
 */
function algorithmFor(key: Buffer): string {
  if (key.length === 16) return 'aes-128-cbc';
  if (key.length === 32) return 'aes-256-cbc';
  throw new RangeError(`unsupported AES key length ${key.length}`);
}

export function aesCbcEncryptBlocks(key: Buffer, iv: Buffer, blocks: Buffer): Buffer {
  const cipher = createCipheriv(algorithmFor(key), key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(blocks), cipher.final()]);
}

export function aesCbcDecryptBlocks(key: Buffer, iv: Buffer, blocks: Buffer): Buffer {
  const decipher = createDecipheriv(algorithmFor(key), key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(blocks), decipher.final()]);
}
