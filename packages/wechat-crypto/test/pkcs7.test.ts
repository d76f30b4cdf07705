import fc from 'fast-check';
import { pkcs7Pad, pkcs7PaddingLength } from '../src/pkcs7';

/** The obvious, early-exit implementation: the constant-time one must agree with it everywhere. */
function naivePaddingLength(data: Uint8Array, blockSize: number): number | undefined {
  const pad = data[data.length - 1];
  if (pad === undefined || pad < 1 || pad > blockSize || pad > data.length) return undefined;
  for (let i = data.length - pad; i < data.length; i += 1) if (data[i] !== pad) return undefined;
  return pad;
}

describe('PKCS#7', () => {
  it('pads to the block size with 1..blockSize bytes of the pad length', () => {
    expect([...pkcs7Pad(Buffer.alloc(0), 32)]).toEqual(Array<number>(32).fill(32));
    expect([...pkcs7Pad(Buffer.from([9, 9, 9]), 4)]).toEqual([9, 9, 9, 1]);
    expect([...pkcs7Pad(Buffer.from([9, 9, 9, 9]), 4)]).toEqual([9, 9, 9, 9, 4, 4, 4, 4]);
  });

  it('finds the padding pkcs7Pad added, for both block sizes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(16, 32), (data, blockSize) => {
        const padded = pkcs7Pad(Buffer.from(data), blockSize);
        expect(padded.length % blockSize).toBe(0);
        expect(pkcs7PaddingLength(padded, blockSize)).toBe(padded.length - data.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with a naive check on arbitrary tails, mostly near-valid ones', () => {
    const nearValid = fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 34 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 255 }))
      .map(([prefix, pad, position, value]) => {
        const tail = Buffer.alloc(pad, pad);
        if (position < tail.length) tail[position] = value;
        return Buffer.concat([prefix, tail]);
      });
    fc.assert(
      fc.property(
        fc.oneof(
          nearValid,
          fc.uint8Array({ maxLength: 48 }).map((a) => Buffer.from(a)),
        ),
        fc.constantFrom(16, 32),
        (data, blockSize) => {
          expect(pkcs7PaddingLength(data, blockSize)).toBe(naivePaddingLength(data, blockSize));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
