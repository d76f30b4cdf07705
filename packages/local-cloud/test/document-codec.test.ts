import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { EJSON, Long, ObjectId } from 'bson';
import { encodeEjson, sameStoredValue } from '../src/sdk-backend/document-codec';

/**
 * The codec's own canonical-EJSON writer must write what bson's `EJSON.stringify(value,
 * {relaxed: false})` writes (the SDK decodes replies with bson), and `sameStoredValue` must say
 * "same" exactly when those texts are equal (it replaced comparing them to count updated documents).
 */

const edgeNumbers = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  1.5,
  2147483647,
  2147483648,
  -2147483648,
  -2147483649,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  1e21,
  1e-7,
  NaN,
  Infinity,
  -Infinity,
);
const leaf = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.integer(),
  edgeNumbers,
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(/a+b/i, /x/, new ObjectId('64b7f0c2a1b2c3d4e5f60718'), Long.fromString('9007199254740993')),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('_id', 'a', 'b', '__proto__')), tie('value'), { maxKeys: 5 }),
}));

test('encodeEjson writes the same text as bson EJSON.stringify (canonical)', () => {
  fc.assert(
    fc.property(value, (v) => {
      expect(encodeEjson(v)).toBe(EJSON.stringify(v, { relaxed: false }));
    }),
    { numRuns: fuzzRuns(2000) },
  );
});

test('encodeEjson writes undefined fields and array holes as null, as bson does', () => {
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  const doc = { a: undefined, b: sparse };
  expect(encodeEjson(doc)).toBe(EJSON.stringify(doc, { relaxed: false }));
});

test('sameStoredValue agrees with comparing canonical EJSON texts', () => {
  fc.assert(
    fc.property(value, value, (a, b) => {
      expect(sameStoredValue(a, a)).toBe(true);
      expect(sameStoredValue(a, b)).toBe(EJSON.stringify(a, { relaxed: false }) === EJSON.stringify(b, { relaxed: false }));
    }),
    { numRuns: fuzzRuns(2000) },
  );
  // Near misses the generator rarely produces: number types, key order, dates, regex flags.
  const pairs: Array<[unknown, unknown]> = [
    [0, -0],
    [NaN, NaN],
    [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
    [{ a: undefined }, { a: null }],
    [{ a: undefined }, {}],
    [new Date(5), new Date(5)],
    [new Date(5), 5],
    [/a/i, /a/],
    [/a/i, /a/i],
    [Long.fromNumber(5), 5],
    [
      [1, [2]],
      [1, [2]],
    ],
    [[1], { 0: 1 }],
  ];
  for (const [a, b] of pairs) {
    expect([a, b, sameStoredValue(a, b)]).toEqual([a, b, EJSON.stringify(a, { relaxed: false }) === EJSON.stringify(b, { relaxed: false })]);
  }
});
