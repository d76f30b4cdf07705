import { InvalidArgumentError } from '@wxhub/core';
import { parseDbQuery } from '@wxhub/local-cloud';
import { $, MAX_NESTING_DEPTH, MAX_QUERY_BYTES, _, geoPoint, queryBuilder as q, serverDate, type DataObject } from '../src';

/** The builder refuses with InvalidArgumentError naming the argument. */
function refusal(build: () => unknown): InvalidArgumentError {
  try {
    build();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('the builder accepted it');
}

describe('the query strings it writes', () => {
  test('a read, as in the brief', () => {
    const text = q
      .collection('users')
      .where({ age: _.gt(18) })
      .orderBy('age', 'desc')
      .limit(10)
      .get();
    expect(text).toBe('db.collection("users").where({"age": _.gt(18)}).orderBy("age", "desc").limit(10).get()');
    expect(parseDbQuery(text)).toEqual({
      op: 'get',
      collection: 'users',
      where: { age: { $gt: 18 } },
      orderBy: [{ field: 'age', direction: 'desc' }],
      limit: 10,
    });
  });

  test('values: strings are JSON with line separators and angle brackets escaped, dates and regexps are constructors', () => {
    const text = q
      .collection('c')
      .add({ data: { s: 'a"b\\c</script>\u2028', d: new Date(1700000000000), r: /^张/iu, n: -0, at: serverDate(), p: geoPoint(113.5, -23) } });
    expect(text).toBe(
      'db.collection("c").add({data: {"s": "a\\"b\\\\c\\u003c/script\\u003e\\u2028", "d": new Date(1700000000000), "r": db.RegExp({regexp: "^张", options: "iu"}), "n": -0, "at": db.serverDate(), "p": new db.Geo.Point(113.5, -23)}})',
    );
    expect(parseDbQuery(text)).toEqual({
      op: 'add',
      collection: 'c',
      data: [
        {
          s: 'a"b\\c</script>\u2028',
          d: new Date(1700000000000),
          r: /^张/iu,
          n: -0,
          at: { $tcb_server_date: { offset: 0 } },
          p: { type: 'Point', coordinates: [113.5, -23] },
        },
      ],
    });
  });

  test('several documents, undefined fields left out', () => {
    const text = q.collection('c').add({ data: [{ _id: 'a', x: 1, y: undefined }, { x: [1, 'two', null, true] }] });
    expect(parseDbQuery(text)).toEqual({ op: 'add', collection: 'c', data: [{ _id: 'a', x: 1 }, { x: [1, 'two', null, true] }] });
  });

  test('update with commands, by id and by filter', () => {
    const byId = q
      .collection('c')
      .doc('d1')
      .update({ data: { n: _.inc(1), tags: _.push('x', 'y'), old: _.remove(), when: serverDate(60_000), nested: { a: 1 } } });
    expect(byId).toBe(
      'db.collection("c").doc("d1").update({data: {"n": _.inc(1), "tags": _.push(["x", "y"]), "old": _.remove(), "when": db.serverDate({offset: 60000}), "nested": {"a": 1}}})',
    );
    expect(parseDbQuery(byId)).toEqual({
      op: 'update',
      collection: 'c',
      docId: 'd1',
      data: {
        $inc: { n: 1 },
        $push: { tags: { $each: ['x', 'y'] } },
        $unset: { old: '' },
        $set: { when: { $tcb_server_date: { offset: 60000 } }, 'nested.a': 1 },
      },
    });
    const byFilter = q
      .collection('c')
      .where({ done: false })
      .update({ data: { list: _.pushEach({ each: [1], position: 0, slice: -10 }), s: _.addToSetEach(['a']) } });
    expect(parseDbQuery(byFilter)).toEqual({
      op: 'update',
      collection: 'c',
      where: { done: false },
      data: { $push: { list: { $each: [1], $position: 0, $slice: -10 } }, $addToSet: { s: { $each: ['a'] } } },
    });
  });

  test('every update command reads back as its operator', () => {
    const text = q
      .collection('c')
      .doc(7)
      .update({
        data: {
          a: _.set({ x: 1 }),
          b: _.mul(2),
          c: _.max(3),
          d: _.min(new Date(0)),
          e: _.rename('f'),
          g: _.bit({ and: 5 }),
          h: _.pop(),
          i: _.shift(),
          j: _.unshift(1, 2),
          k: _.pull(_.in([1])),
          l: _.pullAll([2]),
          m: _.addToSet({ x: 1 }),
          o: _.push([[1, 2]]),
        },
      });
    expect(parseDbQuery(text)).toEqual({
      op: 'update',
      collection: 'c',
      docId: 7,
      data: {
        $set: { a: { x: 1 } },
        $mul: { b: 2 },
        $max: { c: 3 },
        $min: { d: new Date(0) },
        $rename: { e: 'f' },
        $bit: { g: { and: 5 } },
        $pop: { h: 1, i: -1 },
        $push: { j: { $each: [1, 2], $position: 0 }, o: { $each: [[1, 2]] } },
        $pull: { k: { $in: [1] } },
        $pullAll: { l: [2] },
        $addToSet: { m: { x: 1 } },
      },
    });
  });

  test('an object pushed is a value, never options', () => {
    const text = q
      .collection('c')
      .doc('d')
      .update({ data: { a: _.push({ each: [1], position: 0 }) } });
    expect(parseDbQuery(text)).toMatchObject({ data: { $push: { a: { $each: [{ each: [1], position: 0 }] } } } });
  });

  test('set, remove, get by id with a projection', () => {
    expect(
      parseDbQuery(
        q
          .collection('c')
          .doc('d')
          .set({ data: { a: 1, b: { c: [] } } }),
      ),
    ).toEqual({ op: 'set', collection: 'c', docId: 'd', data: { a: 1, b: { c: [] } } });
    expect(parseDbQuery(q.collection('c').doc('d').remove())).toEqual({ op: 'remove', collection: 'c', docId: 'd' });
    expect(
      parseDbQuery(
        q
          .collection('c')
          .doc('d')
          .field({ a: true, b: false, tags: _.project.slice([1, 2]) })
          .get(),
      ),
    ).toEqual({
      op: 'get',
      collection: 'c',
      docId: 'd',
      field: { a: 1, b: 0, tags: { $slice: [1, 2] } },
    });
  });

  test('query commands and logic, on fields and as the whole filter', () => {
    const text = q
      .collection('c')
      .where(
        _.or(
          { a: _.gt(1).and(_.lt(5)), b: _.in(['x']), c: _.not(_.eq(3)), d: _.elemMatch({ e: _.gte(2) }), f: _.exists(true), g: _.size(1), h: _.mod(2, 0) },
          { i: _.nin([1]), j: _.all([1, 2]), k: _.neq(null), l: _.lte(0).or(_.gt(9)), m: /x/, n: { o: _.eq('p') } },
          _.expr($.gt(['$a', '$b'])),
        ),
      )
      .skip(5)
      .get();
    expect(parseDbQuery(text)).toEqual({
      op: 'get',
      collection: 'c',
      skip: 5,
      where: {
        $or: [
          {
            $and: [{ a: { $gt: 1 } }, { a: { $lt: 5 } }],
            b: { $in: ['x'] },
            c: { $not: { $eq: 3 } },
            d: { $elemMatch: { e: { $gte: 2 } } },
            f: { $exists: true },
            g: { $size: 1 },
            h: { $mod: [2, 0] },
          },
          { i: { $nin: [1] }, j: { $all: [1, 2] }, k: { $ne: null }, $or: [{ l: { $lte: 0 } }, { l: { $gt: 9 } }], m: /x/, 'n.o': { $eq: 'p' } },
          { $expr: { $gt: ['$a', '$b'] } },
        ],
      },
    });
  });

  test('count and remove by filter', () => {
    expect(parseDbQuery(q.collection('c').where({ a: 1 }).count())).toEqual({ op: 'count', collection: 'c', where: { a: 1 } });
    expect(
      parseDbQuery(
        q
          .collection('c')
          .where(_.and([{ a: 1 }, { b: 2 }]))
          .remove(),
      ),
    ).toEqual({ op: 'remove', collection: 'c', where: { $and: [{ a: 1 }, { b: 2 }] } });
  });

  test('an aggregation pipeline with a lookup sub-pipeline', () => {
    const text = q
      .collection('orders')
      .aggregate()
      .match({ status: 'paid' })
      .lookup({
        from: 'users',
        let: { uid: '$uid' },
        pipeline: $.pipeline()
          .match(_.expr($.eq(['$_id', '$$uid'])))
          .project({ name: 1 })
          .done(),
        as: 'user',
      })
      .unwind('$user')
      .group({ _id: '$user.name', total: $.sum('$amount'), avg: $.avg('$amount') })
      .sort({ total: -1 })
      .skip(0)
      .limit(3)
      .addFields({ big: $.cond({ if: $.gte(['$total', 100]), then: true, else: false }) })
      .replaceRoot({ newRoot: $.mergeObjects(['$$ROOT', { x: 1 }]) })
      .sample({ size: 1 })
      .sortByCount('$big')
      .count('n')
      .end();
    expect(parseDbQuery(text)).toEqual({
      op: 'aggregate',
      collection: 'orders',
      stages: [
        { $match: { status: 'paid' } },
        {
          $lookup: {
            from: 'users',
            let: { uid: '$uid' },
            pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$uid'] } } }, { $project: { name: 1 } }],
            as: 'user',
          },
        },
        { $unwind: '$user' },
        { $group: { _id: '$user.name', total: { $sum: '$amount' }, avg: { $avg: '$amount' } } },
        { $sort: { total: -1 } },
        { $skip: 0 },
        { $limit: 3 },
        { $addFields: { big: { $cond: { if: { $gte: ['$total', 100] }, then: true, else: false } } } },
        { $replaceRoot: { newRoot: { $mergeObjects: ['$$ROOT', { x: 1 }] } } },
        { $sample: { size: 1 } },
        { $sortByCount: '$big' },
        { $count: 'n' },
      ],
    });
  });
});

describe('add, update and set take {data: …}, as wx-server-sdk does', () => {
  test('the options object is the one in the query text, not a document', () => {
    expect(q.collection('orders').add({ data: [{ item: 'tea' }] })).toBe('db.collection("orders").add({data: [{"item": "tea"}]})');
    expect(
      q
        .collection('orders')
        .doc('o1')
        .update({ data: { visits: _.inc(1) } }),
    ).toBe('db.collection("orders").doc("o1").update({data: {"visits": _.inc(1)}})');
    expect(
      q
        .collection('orders')
        .doc('o1')
        .set({ data: { item: 'tea' } }),
    ).toBe('db.collection("orders").doc("o1").set({data: {"item": "tea"}})');
  });

  test('a field named data inside the document is just a field', () => {
    expect(parseDbQuery(q.collection('c').add({ data: { data: { x: 1 } } }))).toEqual({ op: 'add', collection: 'c', data: [{ data: { x: 1 } }] });
    expect(
      parseDbQuery(
        q
          .collection('c')
          .doc('d')
          .set({ data: { data: [1] } }),
      ),
    ).toEqual({ op: 'set', collection: 'c', docId: 'd', data: { data: [1] } });
    expect(
      parseDbQuery(
        q
          .collection('c')
          .where({ a: 1 })
          .update({ data: { data: _.inc(2) } }),
      ),
    ).toMatchObject({ op: 'update', data: { $inc: { data: 2 } } });
  });

  // What a JavaScript caller (or a cast) can still pass: refused, naming the method.
  test.each<[string, string, () => unknown]>([
    ['add', 'a document passed directly', () => q.collection('c').add({ item: 'tea' } as never)],
    ['add', 'documents passed directly', () => q.collection('c').add([{ item: 'tea' }] as never)],
    ['add', 'data beside other keys', () => q.collection('c').add({ data: [{ item: 'tea' }], item: 'coffee' } as never)],
    ['add', 'no data', () => q.collection('c').add({} as never)],
    ['add', 'data undefined', () => q.collection('c').add({ data: undefined } as never)],
    ['add', 'no options at all', () => q.collection('c').add(undefined as never)],
    ['add', 'null', () => q.collection('c').add(null as never)],
    ['add', 'a string', () => q.collection('c').add('{data: {}}' as never)],
    ['add', 'a Map', () => q.collection('c').add(new Map([['data', {}]]) as never)],
    [
      'update',
      'a filtered update passed directly',
      () =>
        q
          .collection('c')
          .where({ a: 1 })
          .update({ visits: _.inc(1) } as never),
    ],
    ['update', 'an update of every document passed directly', () => q.collection('c').update({ visits: _.inc(1) } as never)],
    [
      'update',
      'a document update passed directly',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ visits: _.inc(1) } as never),
    ],
    [
      'update',
      'data beside other keys',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: 1 }, multi: true } as never),
    ],
    [
      'update',
      'no data',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({} as never),
    ],
    [
      'set',
      'a document passed directly',
      () =>
        q
          .collection('c')
          .doc('d')
          .set({ item: 'tea' } as never),
    ],
    [
      'set',
      'data beside _id',
      () =>
        q
          .collection('c')
          .doc('d')
          .set({ data: { item: 'tea' }, _id: 'd' } as never),
    ],
    [
      'set',
      'no data',
      () =>
        q
          .collection('c')
          .doc('d')
          .set({} as never),
    ],
  ])('%s: %s', (method, _name, build) => {
    const error = refusal(build);
    expect(error.field).toBe(method);
    expect(error.message).toContain(`${method}({data: …})`);
  });

  test('data itself is checked as before', () => {
    expect(refusal(() => q.collection('c').add({ data: 'tea' as never })).message).toContain('plain objects');
    expect(
      refusal(() =>
        q
          .collection('c')
          .doc('d')
          .update({ data: [1] as never }),
      ).message,
    ).toContain('object of fields');
    expect(
      refusal(() =>
        q
          .collection('c')
          .doc('d')
          .set({ data: [{ a: 1 }] as never }),
      ).message,
    ).toContain('plain objects');
  });
});

describe('what it refuses, with InvalidArgumentError', () => {
  test.each<[string, () => unknown, string]>([
    ['NaN', () => q.collection('c').add({ data: { a: NaN } }), 'finite'],
    [
      'Infinity',
      () =>
        q
          .collection('c')
          .where({ a: _.gt(Infinity) })
          .get(),
      'finite',
    ],
    ['a __proto__ key', () => q.collection('c').add({ data: JSON.parse('{"__proto__": {"x": 1}}') as Record<string, number> }), '__proto__'],
    ['a constructor key', () => q.collection('c').where({ constructor: 1 }).get(), 'constructor'],
    ['a nested prototype path', () => q.collection('c').where({ 'a.prototype': 1 }).get(), 'prototype'],
    ['$where', () => q.collection('c').where({ $where: 'x' }).get(), '$where'],
    ['a forged server date', () => q.collection('c').add({ data: { a: { $tcb_server_date: { offset: 0 } } } }), 'reserved'],
    ['a g flag', () => q.collection('c').where({ a: /x/g }).get(), 'flags'],
    ['a function', () => q.collection('c').add({ data: { a: (() => 1) as unknown as number } }), 'function'],
    ['a symbol', () => q.collection('c').add({ data: { a: Symbol('x') as unknown as string } }), 'symbol'],
    ['a bigint', () => q.collection('c').add({ data: { a: 1n as unknown as number } }), 'bigint'],
    ['a Map', () => q.collection('c').add({ data: { a: new Map() as unknown as string } }), 'plain objects'],
    [
      'a class instance',
      () =>
        q.collection('c').add({
          data: {
            a: new (class Point {
              x = 1;
            })() as unknown as string,
          },
        }),
      'plain objects',
    ],
    ['undefined in an array', () => q.collection('c').add({ data: { a: [1, undefined as unknown as number] } }), 'undefined'],
    ['a sparse array', () => q.collection('c').add({ data: { a: new Array<number>(2) } }), 'undefined'],
    ['an invalid Date', () => q.collection('c').add({ data: { a: new Date(Number.NaN) } }), 'invalid Date'],
    ['limit 0', () => q.collection('c').limit(0).get(), '1 to 1000'],
    ['limit 1001', () => q.collection('c').limit(1001).get(), '1 to 1000'],
    ['limit 1.5', () => q.collection('c').limit(1.5).get(), '1 to 1000'],
    ['skip -1', () => q.collection('c').skip(-1).get(), '>= 0'],
    ['an empty orderBy field', () => q.collection('c').orderBy('', 'asc').get(), 'field'],
    ['an empty collection name', () => q.collection(''), 'name'],
    ['an empty document id', () => q.collection('c').doc(''), 'non-empty'],
    [
      'an empty update',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: undefined } }),
      'nothing',
    ],
    [
      'updating _id',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { _id: 'x' } }),
      '_id',
    ],
    [
      'update operators as keys',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { $inc: { a: 1 } } }),
      'operators',
    ],
    [
      'set with _id',
      () =>
        q
          .collection('c')
          .doc('d')
          .set({ data: { _id: 'x' } }),
      '_id',
    ],
    [
      'set with a command',
      () =>
        q
          .collection('c')
          .doc('d')
          .set({ data: { a: _.inc(1) as unknown as number } }),
      '_.inc()',
    ],
    ['add with a command', () => q.collection('c').add({ data: { a: _.gt(1) as unknown as number } }), '_.gt()'],
    [
      'an update command in a filter',
      () =>
        q
          .collection('c')
          .where({ a: _.inc(1) as unknown as number })
          .get(),
      '_.inc()',
    ],
    [
      'a query command in update data',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: _.gt(1) as unknown as number } }),
      '_.gt()',
    ],
    ['no documents', () => q.collection('c').add({ data: [] }), 'at least one'],
    ['an empty _id', () => q.collection('c').add({ data: { _id: '' } }), '_id'],
    [
      '_.not as the whole filter',
      () =>
        q
          .collection('c')
          .where(_.not(_.gt(1)))
          .get(),
      'field',
    ],
    [
      'field commands in a top-level _.or',
      () =>
        q
          .collection('c')
          .where(_.or(_.gt(1)))
          .get(),
      'not the value of a field',
    ],
    ['an empty _.and', () => q.collection('c').where(_.and()).get(), 'at least one'],
    [
      '_.push()',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: _.push() } }),
      'at least one',
    ],
    [
      'an addToSet object with $ keys',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: _.addToSet({ $each: [1] }) } }),
      'addToSetEach',
    ],
    [
      'an unknown pushEach option',
      () =>
        q
          .collection('c')
          .doc('d')
          .update({ data: { a: _.pushEach({ each: [], x: 1 } as never) } }),
      'does not take',
    ],
    [
      '_.size(-1)',
      () =>
        q
          .collection('c')
          .where({ a: _.size(-1) })
          .get(),
      '>= 0',
    ],
    [
      'a sub-pipeline in _.expr',
      () =>
        q
          .collection('c')
          .where(_.expr($.pipeline().done() as never))
          .get(),
      '$.pipeline()',
    ],
    [
      'a stage argument of the wrong kind',
      () =>
        q
          .collection('c')
          .aggregate()
          .unwind('user' as never)
          .end(),
      "'$field'",
    ],
    ['an aggregate limit of 0', () => q.collection('c').aggregate().limit(0).end(), '>= 1'],
  ])('%s', (_name, build, words) => {
    expect(refusal(build).message).toContain(words);
  });

  test('points and server dates check their numbers', () => {
    expect(refusal(() => geoPoint(181, 0)).message).toContain('longitude');
    expect(refusal(() => geoPoint(0, Number.NaN)).message).toContain('latitude');
    expect(refusal(() => serverDate(Number.POSITIVE_INFINITY)).message).toContain('finite');
  });

  test(`nesting beyond ${MAX_NESTING_DEPTH} levels, including cycles`, () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refusal(() => q.collection('c').add({ data: cyclic as never })).message).toContain(`deeper than ${MAX_NESTING_DEPTH}`);
  });

  test(`queries over ${MAX_QUERY_BYTES} bytes`, () => {
    expect(refusal(() => q.collection('c').add({ data: { s: 'x'.repeat(MAX_QUERY_BYTES) } })).message).toContain('bytes');
  });
});

describe('the types forbid what the parser would refuse (and the runtime refuses it too)', () => {
  test('wrong calls do not compile', () => {
    expect(() =>
      // @ts-expect-error a direction is 'asc' or 'desc'
      q.collection('c').orderBy('a', 'up'),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error where() only once
      q.collection('c').where({ a: 1 }).where({ b: 1 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error count() ignores limit(), so it cannot follow it
      q.collection('c').limit(1).count(),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error remove() cannot follow field()
      q.collection('c').doc('d').field({ a: true }).remove(),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // @ts-expect-error documents hold data, not commands
      q.collection('c').add({ data: { a: _.inc(1) } }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error filters hold query commands, not update commands
      q.collection('c').where({ a: _.inc(1) }).get(),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error set() data holds no commands
      q.collection('c').doc('d').set({ data: { a: _.remove() } }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // @ts-expect-error add() takes {data: …}, not the document
      q.collection('c').add({ item: 'tea' }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // @ts-expect-error add() takes {data: […]}, not the documents
      q.collection('c').add([{ item: 'tea' }]),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error update() takes {data: …}, not the update
      q.collection('c').where({ a: 1 }).update({ visits: _.inc(1) }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error doc().update() takes {data: …}, not the update
      q.collection('c').doc('d').update({ visits: _.inc(1) }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error set() takes {data: …}, not the document
      q.collection('c').doc('d').set({ item: 'tea' }),
    ).toThrow(InvalidArgumentError);
    const document: DataObject = { item: 'tea' };
    expect(() =>
      // @ts-expect-error a document typed as such is not options either
      q.collection('c').add(document),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      // prettier-ignore
      // @ts-expect-error the count stage takes the name of the output field
      q.collection('c').aggregate().count().end(),
    ).toThrow(InvalidArgumentError);
  });
});
