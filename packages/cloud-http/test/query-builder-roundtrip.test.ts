import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { InvalidArgumentError } from '@wxhub/core';
import { parseDbQuery, type ParsedQuery, type QueryValue } from '@wxhub/local-cloud';
import { MAX_LIMIT, MAX_NESTING_DEPTH, MAX_QUERY_BYTES, _, keyProblem, queryBuilder as q } from '../src';

/**
 * parse(build(x)) === x for arbitrary values: whatever the builder is given comes back from the
 * parser as the same data, so no input can change the structure of the query it is put in.
 */

/** Strings that break naive quoting, HTML embedding, template literals and old JS line rules. */
const NASTY = [
  '"',
  "'",
  '`',
  '\\',
  '\\"',
  '</script>',
  '<!--',
  '\u2028',
  '\u2029',
  '${',
  '${x}',
  '}',
  '😀',
  '\ud800',
  '\udc00',
  '\0',
  '\n',
  '\r\n',
  '*/',
  '//',
  ')',
  '});',
  'process.exit()',
  '\\u0022',
];

const nastyString = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));
const text = fc.oneof(nastyString, fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }));
const key = fc
  .oneof(text, fc.constantFrom('_id', 'data', 'a.b', '$each', 'toString', 'hasOwnProperty', 'valueOf', ''))
  .filter((k) => keyProblem(k) === undefined);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(-0, 0, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_SAFE_INTEGER, 1e21, 5e-324),
);
// Syntax characters only: these escapes are valid with and without the u flag.
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const regExp = fc
  .tuple(fc.oneof(text.map(escapeRegExp), fc.constantFrom('^a.*$', '\\d+', '[a-z]{2,}', '(?:x|y)')), fc.subarray(['i', 'm', 's', 'u']))
  .map(([pattern, flags]) => new RegExp(pattern, flags.join('')));
const date = fc.date({ noInvalidDate: true });
const scalar: fc.Arbitrary<QueryValue> = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const leaf: fc.Arbitrary<QueryValue> = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: date }, { weight: 1, arbitrary: regExp });

const { value: jsonish } = fc.letrec<{ value: QueryValue; array: QueryValue[]; object: Record<string, QueryValue> }>((tie) => ({
  value: fc.oneof({ maxDepth: 5, depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
const document = fc.dictionary(key, jsonish, { maxKeys: 4 }).filter((doc) => doc._id === undefined);

function only<T extends ParsedQuery['op']>(query: ParsedQuery, op: T): Extract<ParsedQuery, { op: T }> {
  if (query.op !== op) throw new Error(`expected ${op}, got ${query.op}`);
  return query as Extract<ParsedQuery, { op: T }>;
}

describe('round trips through the parser', () => {
  test('any value stored with add() reads back exactly', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const parsed = only(parseDbQuery(q.collection('c').add({ data: { value } })), 'add');
        // toEqual compares numbers with Object.is, so -0 must come back as -0.
        expect(parsed.data).toEqual([{ value }]);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  test('whole documents with arbitrary keys, several at once', () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 3 }), (documents) => {
        expect(only(parseDbQuery(q.collection('c').add({ data: documents })), 'add').data).toEqual(documents);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('set() data reads back exactly', () => {
    fc.assert(
      fc.property(
        text.filter((id) => id !== ''),
        document,
        (id, data) => {
          expect(parseDbQuery(q.collection('c').doc(id).set({ data }))).toEqual({ op: 'set', collection: 'c', docId: id, data });
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('a document passed without {data: …} is refused by add, update and set, whatever its keys', () => {
    const direct = fc.oneof(document, fc.record({ data: document, _id: text }), fc.array(document, { maxLength: 2 }));
    fc.assert(
      fc.property(direct, (value) => {
        fc.pre(Array.isArray(value) || Object.keys(value).some((k) => k !== 'data') || value.data === undefined);
        const calls: Array<[string, () => string]> = [
          ['add', () => q.collection('c').add(value as never)],
          [
            'update',
            () =>
              q
                .collection('c')
                .doc('d')
                .update(value as never),
          ],
          [
            'update',
            () =>
              q
                .collection('c')
                .where({ a: 1 })
                .update(value as never),
          ],
          [
            'set',
            () =>
              q
                .collection('c')
                .doc('d')
                .set(value as never),
          ],
        ];
        for (const [method, build] of calls) {
          let refused: unknown;
          try {
            build();
          } catch (error) {
            refused = error;
          }
          expect(refused).toBeInstanceOf(InvalidArgumentError);
          expect((refused as InvalidArgumentError).field).toBe(method);
          expect((refused as InvalidArgumentError).message).toContain(`${method}({data: …})`);
        }
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('values compared in a filter are the values given', () => {
    fc.assert(
      fc.property(
        key.filter((k) => k !== '' && !k.startsWith('$')),
        jsonish,
        fc.array(jsonish, { maxLength: 4 }),
        (field, value, list) => {
          const parsed = only(
            parseDbQuery(
              q
                .collection('c')
                .where({ [field]: _.eq(value), other: _.in(list) })
                .get(),
            ),
            'get',
          );
          expect(parsed.where).toEqual({ [field]: { $eq: value }, other: { $in: list } });
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('values set by update commands are the values given', () => {
    fc.assert(
      fc.property(jsonish, fc.array(jsonish, { minLength: 1, maxLength: 3 }), number, (value, items, by) => {
        // As in wx-server-sdk, _.push([a, b]) pushes a and b; the builder refuses to push nothing.
        const pushed = items.length === 1 && Array.isArray(items[0]) ? items[0] : items;
        fc.pre(pushed.length > 0);
        const parsed = only(
          parseDbQuery(
            q
              .collection('c')
              .doc('d')
              .update({ data: { a: _.set(value), b: _.push(...items), c: _.inc(by) } }),
          ),
          'update',
        );
        expect(parsed.data).toEqual({ $set: { a: value }, $push: { b: { $each: pushed } }, $inc: { c: by } });
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  test('names: collection, document id, orderBy field, projection keys', () => {
    fc.assert(
      fc.property(
        text.filter((name) => name !== '' && name.length <= 128),
        fc.oneof(
          text.filter((id) => id !== ''),
          fc.integer(),
        ),
        key.filter((field) => field !== ''),
        fc.constantFrom('asc' as const, 'desc' as const),
        fc.integer({ min: 1, max: MAX_LIMIT }),
        (collection, id, field, direction, limit) => {
          expect(
            parseDbQuery(
              q
                .collection(collection)
                .doc(id)
                .field({ [field]: true })
                .get(),
            ),
          ).toEqual({ op: 'get', collection, docId: id, field: { [field]: 1 } });
          expect(parseDbQuery(q.collection(collection).orderBy(field, direction).limit(limit).get())).toEqual({
            op: 'get',
            collection,
            orderBy: [{ field, direction }],
            limit,
          });
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });
});

describe('builder and parser agree on the limits', () => {
  test('whatever nesting the builder accepts, the parser accepts; one level more and the builder refuses', () => {
    const nested = (levels: number): QueryValue => (levels === 0 ? 1 : [nested(levels - 1)]);
    let deepest = -1;
    for (let levels = 0; levels <= MAX_NESTING_DEPTH + 2; levels += 1) {
      let text: string;
      try {
        text = q.collection('c').add({ data: { v: nested(levels) } });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        continue;
      }
      expect(only(parseDbQuery(text), 'add').data).toEqual([{ v: nested(levels) }]);
      deepest = levels;
    }
    // add( { {v: take three levels; the arrays may use the rest.
    expect(deepest).toBe(MAX_NESTING_DEPTH - 3);
  });

  test('whatever size the builder accepts, the parser accepts; a byte more and the builder refuses', () => {
    const head = q.collection('c').add({ data: { s: '' } });
    const room = MAX_QUERY_BYTES - Buffer.byteLength(head);
    const fits = q.collection('c').add({ data: { s: 'x'.repeat(room) } });
    expect(Buffer.byteLength(fits)).toBe(MAX_QUERY_BYTES);
    expect(only(parseDbQuery(fits), 'add').data[0]?.s).toHaveLength(room);
    expect(() => q.collection('c').add({ data: { s: 'x'.repeat(room + 1) } })).toThrow(InvalidArgumentError);
  });
});
