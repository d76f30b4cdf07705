/**
 * PKCS#7 with a caller-chosen block size: login data pads to 16 bytes (the AES block), push
 * messages to 32 (WeChat's choice), so Node's built-in padding cannot be used for both.
 */

export function pkcs7Pad(data: Buffer, blockSize: number): Buffer {
  const pad = blockSize - (data.length % blockSize);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/**
 * The padding length, or `undefined` when the padding is invalid. Every byte that could be
 * padding is inspected whatever the verdict, and the verdict is built without branching on
 * secret bytes, so the time taken says little about why the padding failed.
 */
export function pkcs7PaddingLength(data: Buffer, blockSize: number): number | undefined {
  const length = data.length;
  if (length === 0) return undefined;
  const limit = Math.min(blockSize, length);
  const pad = data[length - 1] ?? 0;
  // (x >> 31) & 1 is 1 exactly when x is negative: pad === 0, then pad > limit.
  let bad = ((pad - 1) >> 31) & 1;
  bad |= ((limit - pad) >> 31) & 1;
  for (let i = 0; i < limit; i += 1) {
    const byte = data[length - 1 - i] ?? 0;
    const insidePadding = ((i - pad) >> 31) & 1;
    const differs = ((byte ^ pad) + 0xff) >> 8;
    bad |= insidePadding & differs;
  }
  return bad === 0 ? pad : undefined;
}
