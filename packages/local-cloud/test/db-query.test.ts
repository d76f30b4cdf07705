import { DEFAULT_HTTP_LIMIT, QueryErrcode, QueryParseError, isServerDateMarker, parseDbQuery, resolveServerDates } from '../src/db-query';

/** The refusal a query earns; fails the test when the query is accepted. */
function refusal(query: string): QueryParseError {
  try {
    parseDbQuery(query);
  } catch (error) {
    if (error instanceof QueryParseError) return error;
    throw error;
  }
  throw new Error(`accepted: ${query}`);
}

function whereOf(filter: string): unknown {
  const parsed = parseDbQuery(`db.collection("c").where(${filter}).get()`);
  if (parsed.op !== 'get') throw new Error('not a get');
  return parsed.where;
}

function updateOf(data: string): unknown {
  const parsed = parseDbQuery(`db.collection("c").doc("d").update({data: ${data}})`);
  if (parsed.op !== 'update') throw new Error('not an update');
  return parsed.data;
}

describe('the examples of WeChat’s HTTP API documentation', () => {
  test('databasequery: where, limit, skip, two orderBy, field', () => {
    expect(
      parseDbQuery(
        'db.collection("geo").where({age:_.gt(20)}).limit(10).skip(1).orderBy("age","asc").orderBy("name","desc").field({age:true,name:true}).get()',
      ),
    ).toEqual({
      op: 'get',
      collection: 'geo',
      where: { age: { $gt: 20 } },
      limit: 10,
      skip: 1,
      orderBy: [
        { field: 'age', direction: 'asc' },
        { field: 'name', direction: 'desc' },
      ],
      field: { age: 1, name: 1 },
    });
  });

  test('databaseadd: several documents with dates and points', () => {
    expect(
      parseDbQuery(
        'db.collection("geo").add({data: [{description:"item1",due:new Date("2019-09-09"),tags:["cloud","database"],location:new db.Geo.Point(113, 23),done:false},{description:"item2",due:new Date("2019-09-09"),tags:["cloud","database"],location:new db.Geo.Point(113, 23),done:false}]})',
      ),
    ).toEqual({
      op: 'add',
      collection: 'geo',
      data: [1, 2].map((n) => ({
        description: `item${n}`,
        due: new Date('2019-09-09'),
        tags: ['cloud', 'database'],
        location: { type: 'Point', coordinates: [113, 23] },
        done: false,
      })),
    });
  });

  test('databaseupdate: where + _.inc', () => {
    expect(parseDbQuery('db.collection("geo").where({age:14}).update({data:{age: _.inc(1)}})')).toEqual({
      op: 'update',
      collection: 'geo',
      where: { age: 14 },
      data: { $inc: { age: 1 } },
    });
  });

  test('databasedelete and databasecount', () => {
    expect(parseDbQuery('db.collection("geo").where({done:true}).remove()')).toEqual({ op: 'remove', collection: 'geo', where: { done: true } });
    expect(parseDbQuery('db.collection("geo").where({done:true}).count()')).toEqual({ op: 'count', collection: 'geo', where: { done: true } });
  });

  test('databaseaggregate: match + limit', () => {
    expect(parseDbQuery('db.collection("test2").aggregate().match({tags:"cloud"}).limit(10).end()')).toEqual({
      op: 'aggregate',
      collection: 'test2',
      stages: [{ $match: { tags: 'cloud' } }, { $limit: 10 }],
    });
  });
});

describe('the brief’s examples', () => {
  test('where with a command and a regex literal, orderBy, skip, limit, field', () => {
    const parsed = parseDbQuery(
      'db.collection("users").where({age: _.gt(18), name: /^张/i}).orderBy("age","desc").skip(0).limit(10).field({name: true}).get()',
    );
    expect(parsed).toEqual({
      op: 'get',
      collection: 'users',
      where: { age: { $gt: 18 }, name: /^张/i },
      orderBy: [{ field: 'age', direction: 'desc' }],
      skip: 0,
      limit: 10,
      field: { name: 1 },
    });
    if (parsed.op !== 'get') throw new Error('not a get');
    expect(parsed.where?.name).toBeInstanceOf(RegExp);
  });

  test('add with new Date(ms)', () => {
    expect(parseDbQuery('db.collection("users").add({data: [{name: "a", created: new Date(1700000000000)}]})')).toEqual({
      op: 'add',
      collection: 'users',
      data: [{ name: 'a', created: new Date(1700000000000) }],
    });
  });

  test('doc update with _.inc', () => {
    expect(parseDbQuery('db.collection("users").doc("id1").update({data: {age: _.inc(1)}})')).toEqual({
      op: 'update',
      collection: 'users',
      docId: 'id1',
      data: { $inc: { age: 1 } },
    });
  });

  test('aggregate with group and $.sum', () => {
    expect(parseDbQuery('db.collection("c").aggregate().match({sex: _.neq(null)}).group({_id: "$sex", n: $.sum(1)}).end()')).toEqual({
      op: 'aggregate',
      collection: 'c',
      stages: [{ $match: { sex: { $ne: null } } }, { $group: { _id: '$sex', n: { $sum: 1 } } }],
    });
  });
});

describe('chain forms', () => {
  test('a get without limit leaves limit undefined: the executor applies the HTTP default', () => {
    const parsed = parseDbQuery('db.collection("c").get()');
    expect(parsed).toEqual({ op: 'get', collection: 'c' });
    expect(parsed).not.toHaveProperty('limit');
    expect(DEFAULT_HTTP_LIMIT).toBe(10);
  });

  test('doc get, doc field get, doc set, doc remove', () => {
    expect(parseDbQuery("db.collection('c').doc('a').get()")).toEqual({ op: 'get', collection: 'c', docId: 'a' });
    expect(parseDbQuery("db.collection('c').doc(7).field({x: false}).get()")).toEqual({ op: 'get', collection: 'c', docId: 7, field: { x: 0 } });
    expect(parseDbQuery("db.collection('c').doc('a').set({data: {x: 1, y: {z: [1]}}})")).toEqual({
      op: 'set',
      collection: 'c',
      docId: 'a',
      data: { x: 1, y: { z: [1] } },
    });
    expect(parseDbQuery("db.collection('c').doc('a').remove()")).toEqual({ op: 'remove', collection: 'c', docId: 'a' });
  });

  test('add of one document is a list of one', () => {
    expect(parseDbQuery('db.collection("c").add({data: {_id: "x", n: 1}})')).toEqual({ op: 'add', collection: 'c', data: [{ _id: 'x', n: 1 }] });
  });

  test('a repeated orderBy field keeps its place and takes the last direction', () => {
    const parsed = parseDbQuery('db.collection("c").orderBy("a","asc").orderBy("b","asc").orderBy("a","desc").get()');
    expect(parsed).toMatchObject({
      orderBy: [
        { field: 'a', direction: 'desc' },
        { field: 'b', direction: 'asc' },
      ],
    });
  });

  test('comments, whitespace, parentheses, a trailing semicolon and template strings are fine', () => {
    const parsed = parseDbQuery('/* all */ (db.collection(`users`)\n  // adults\n  .where({ age: _.gte(18) })\n  .get());');
    expect(parsed).toEqual({ op: 'get', collection: 'users', where: { age: { $gte: 18 } } });
  });

  test('db.command and db.command.aggregate are the same as _ and $', () => {
    expect(parseDbQuery('db.collection("c").where({a: db.command.lt(-1.5)}).get()')).toMatchObject({ where: { a: { $lt: -1.5 } } });
    expect(parseDbQuery('db.collection("c").aggregate().group({_id: null, m: db.command.aggregate.max("$a"), n: _.aggregate.min("$a")}).end()')).toMatchObject({
      stages: [{ $group: { _id: null, m: { $max: '$a' }, n: { $min: '$a' } } }],
    });
  });
});

describe('query commands', () => {
  test.each([
    ['_.eq(1)', { $eq: 1 }],
    ['_.neq("x")', { $ne: 'x' }],
    ['_.gt(1)', { $gt: 1 }],
    ['_.gte(1)', { $gte: 1 }],
    ['_.lt(1)', { $lt: 1 }],
    ['_.lte(1)', { $lte: 1 }],
    ['_.in([1, "a"])', { $in: [1, 'a'] }],
    ['_.nin([])', { $nin: [] }],
    ['_.all(["a", "b"])', { $all: ['a', 'b'] }],
    ['_.exists(false)', { $exists: false }],
    ['_.size(3)', { $size: 3 }],
    ['_.mod(4, 1)', { $mod: [4, 1] }],
    ['_.mod([4, 1])', { $mod: [4, 1] }],
    ['_.elemMatch({a: _.gt(1), b: "x"})', { $elemMatch: { a: { $gt: 1 }, b: 'x' } }],
    ['_.elemMatch(_.gte(80))', { $elemMatch: { $gte: 80 } }],
    ['_.not(_.gt(5))', { $not: { $gt: 5 } }],
    ['_.not(/x/)', { $not: /x/ }],
  ])('%s', (command, expected) => {
    expect(whereOf(`{f: ${command}}`)).toEqual({ f: expected });
  });

  test('chained conditions on one field become $and/$or of that field', () => {
    expect(whereOf('{age: _.gt(1).and(_.lt(5))}')).toEqual({ $and: [{ age: { $gt: 1 } }, { age: { $lt: 5 } }] });
    expect(whereOf('{age: _.gt(1).lt(5)}')).toEqual({ $and: [{ age: { $gt: 1 } }, { age: { $lt: 5 } }] });
    expect(whereOf('{age: _.lt(1).or(_.gt(5), _.eq(3))}')).toEqual({ $or: [{ age: { $lt: 1 } }, { age: { $gt: 5 } }, { age: { $eq: 3 } }] });
    expect(whereOf('{age: _.gt(8).and(_.lt(16)).or(_.eq(32))}')).toEqual({
      $or: [{ $and: [{ age: { $gt: 8 } }, { age: { $lt: 16 } }] }, { age: { $eq: 32 } }],
    });
  });

  test('field-level logic commands from several fields share one $and', () => {
    expect(whereOf('{a: _.gt(1).and(_.lt(5)), b: _.and(_.gt(2), _.lt(3)), c: 1}')).toEqual({
      c: 1,
      $and: [{ a: { $gt: 1 } }, { a: { $lt: 5 } }, { b: { $gt: 2 } }, { b: { $lt: 3 } }],
    });
  });

  test('top-level _.or / _.and / _.nor of filters, variadic or as an array', () => {
    expect(whereOf('_.or([{a: 1}, {b: _.gt(2)}])')).toEqual({ $or: [{ a: 1 }, { b: { $gt: 2 } }] });
    expect(whereOf('_.and({a: 1}, _.or({b: 1}, {c: 1}))')).toEqual({ $and: [{ a: 1 }, { $or: [{ b: 1 }, { c: 1 }] }] });
    expect(whereOf('_.nor([{a: {b: 1}}])')).toEqual({ $nor: [{ 'a.b': 1 }] });
  });

  test('nested objects are dotted paths; $ keys stay operators; arrays and empty objects are values', () => {
    expect(whereOf('{style: {color: "red", size: {w: _.gt(1)}}, tags: ["a"], meta: {}, n: {$gt: 1, x: 2}}')).toEqual({
      'style.color': 'red',
      'style.size.w': { $gt: 1 },
      tags: ['a'],
      meta: {},
      'n.x': 2,
      n: { $gt: 1 },
    });
  });

  test('_.expr with aggregation operators', () => {
    expect(whereOf('_.expr($.gt(["$a", "$b"]))')).toEqual({ $expr: { $gt: ['$a', '$b'] } });
    expect(whereOf('_.and([{x: 1}, _.expr($.neq(["$a", 1]))])')).toEqual({ $and: [{ x: 1 }, { $expr: { $ne: ['$a', 1] } }] });
  });

  test('a field given twice (directly and through nesting) is refused', () => {
    const error = refusal('db.collection("c").where({a: {b: 1}, "a.b": 2}).get()');
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toContain("'a.b'");
  });
});

describe('update data', () => {
  test.each([
    ['{a: _.set({x: 1})}', { $set: { a: { x: 1 } } }],
    ['{a: _.remove()}', { $unset: { a: '' } }],
    ['{a: _.inc(-2)}', { $inc: { a: -2 } }],
    ['{a: _.mul(1.5)}', { $mul: { a: 1.5 } }],
    ['{a: _.max(3), b: _.min(new Date(0))}', { $max: { a: 3 }, $min: { b: new Date(0) } }],
    ['{a: _.rename("b")}', { $rename: { a: 'b' } }],
    ['{a: _.bit({and: 5})}', { $bit: { a: { and: 5 } } }],
    ['{a: _.push(1)}', { $push: { a: { $each: [1] } } }],
    ['{a: _.push(1, 2)}', { $push: { a: { $each: [1, 2] } } }],
    ['{a: _.push([1, 2])}', { $push: { a: { $each: [1, 2] } } }],
    ['{a: _.push({each: [1], position: 0, sort: -1, slice: -5})}', { $push: { a: { $each: [1], $position: 0, $sort: -1, $slice: -5 } } }],
    ['{a: _.pop(), b: _.shift()}', { $pop: { a: 1, b: -1 } }],
    ['{a: _.unshift("x", "y")}', { $push: { a: { $each: ['x', 'y'], $position: 0 } } }],
    ['{a: _.pull(3)}', { $pull: { a: 3 } }],
    ['{a: _.pull(_.in([1, 2]))}', { $pull: { a: { $in: [1, 2] } } }],
    ['{a: _.pull({n: _.gt(1)})}', { $pull: { a: { n: { $gt: 1 } } } }],
    ['{a: _.pullAll([1, 2])}', { $pullAll: { a: [1, 2] } }],
    ['{a: _.addToSet("x")}', { $addToSet: { a: 'x' } }],
    ['{a: _.addToSet({$each: ["x", "y"]})}', { $addToSet: { a: { $each: ['x', 'y'] } } }],
  ])('%s', (data, expected) => {
    expect(updateOf(data)).toEqual(expected);
  });

  test('plain values are $set on dotted paths, commands merge by operator', () => {
    expect(updateOf('{a: {a1: _.set({a11: "t"}), a2: _.inc(10), a3: 1}, b: [1, {c: 2}], d: db.serverDate({offset: 1000})}')).toEqual({
      $set: { 'a.a1': { a11: 't' }, 'a.a3': 1, b: [1, { c: 2 }], d: { $tcb_server_date: { offset: 1000 } } },
      $inc: { 'a.a2': 10 },
    });
  });

  test('_id, operators and empty data are refused', () => {
    expect(refusal('db.collection("c").doc("d").update({data: {_id: "x"}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").doc("d").update({data: {$inc: {a: 1}}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").doc("d").update({data: {}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").doc("d").set({data: {a: _.inc(1)}})').message).toContain('_.inc()');
    expect(refusal('db.collection("c").doc("d").set({data: {_id: "x"}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
  });
});

describe('values', () => {
  test('server dates are markers the executor resolves with its clock', () => {
    const parsed = parseDbQuery('db.collection("c").add({data: {at: db.serverDate(), later: db.serverDate({offset: 60000}), list: [db.serverDate()]}})');
    if (parsed.op !== 'add') throw new Error('not an add');
    const [document] = parsed.data;
    expect(isServerDateMarker(document?.at)).toBe(true);
    expect(isServerDateMarker({ $tcb_server_date: { offset: 0 }, extra: 1 })).toBe(false);
    expect(resolveServerDates(document ?? null, 1_000_000)).toEqual({
      at: new Date(1_000_000),
      later: new Date(1_060_000),
      list: [new Date(1_000_000)],
    });
  });

  test('db.RegExp and regex literals become RegExps; g, y and x are refused', () => {
    expect(whereOf('{a: db.RegExp({regexp: "^a.c$", options: "is"}), b: /x\\/y/m}')).toEqual({ a: /^a.c$/is, b: /x\/y/m });
    expect(whereOf('{a: db.RegExp({regexp: "z"})}')).toEqual({ a: /z/ });
    for (const bad of ['/a/g', '/a/y', 'db.RegExp({regexp: "a", options: "x"})', 'db.RegExp({regexp: "("})', 'db.RegExp({regexp: ""})']) {
      expect(refusal(`db.collection("c").where({a: ${bad}}).get()`).errcode).toBe(QueryErrcode.INVALID_PARAM);
    }
  });

  test('numbers, negative numbers, strings with escapes, null, booleans, nested arrays', () => {
    const parsed = parseDbQuery(
      String.raw`db.collection("c").add({data: {a: -0, b: 1e21, c: -5e-324, d: "\u2028\"\\\n", e: null, f: [true, [false]], 'g h': 'x'}})`,
    );
    expect(parsed).toEqual({ op: 'add', collection: 'c', data: [{ a: -0, b: 1e21, c: -5e-324, d: '\u2028"\\\n', e: null, f: [true, [false]], 'g h': 'x' }] });
  });

  test('new Date needs exactly one valid number or string', () => {
    expect(refusal('db.collection("c").add({data: {a: new Date()}})').message).toContain('db.serverDate()');
    expect(refusal('db.collection("c").add({data: {a: new Date("not a date")}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").add({data: {a: new Date(2020, 1)}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
  });

  test('points are validated like the SDK does', () => {
    expect(refusal('db.collection("c").add({data: {p: new db.Geo.Point(181, 0)}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").add({data: {p: new db.Geo.Point(0, -91)}})').errcode).toBe(QueryErrcode.INVALID_PARAM);
  });
});

describe('aggregation', () => {
  test('every stage, a lookup sub-pipeline and nested operators', () => {
    const parsed = parseDbQuery(
      [
        'db.collection("orders").aggregate()',
        '.match({status: "paid", amount: _.gte(10)})',
        '.project({amount: 1, day: $.dayOfMonth("$date")})',
        '.addFields({big: $.cond({if: $.gte(["$amount", 100]), then: true, else: false})})',
        '.lookup({from: "users", let: {uid: "$uid"}, pipeline: $.pipeline().match(_.expr($.eq(["$_id", "$$uid"]))).project({name: 1}).done(), as: "user"})',
        '.unwind("$user")',
        '.group({_id: "$day", total: $.sum("$amount"), n: $.sum(1)})',
        '.sort({total: -1})',
        '.skip(1)',
        '.limit(5)',
        '.sample({size: 2})',
        '.replaceRoot({newRoot: "$$ROOT"})',
        '.sortByCount("$day")',
        '.count("n")',
        '.end()',
      ].join(''),
    );
    expect(parsed).toEqual({
      op: 'aggregate',
      collection: 'orders',
      stages: [
        { $match: { status: 'paid', amount: { $gte: 10 } } },
        { $project: { amount: 1, day: { $dayOfMonth: '$date' } } },
        { $addFields: { big: { $cond: { if: { $gte: ['$amount', 100] }, then: true, else: false } } } },
        {
          $lookup: {
            from: 'users',
            let: { uid: '$uid' },
            pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$uid'] } } }, { $project: { name: 1 } }],
            as: 'user',
          },
        },
        { $unwind: '$user' },
        { $group: { _id: '$day', total: { $sum: '$amount' }, n: { $sum: 1 } } },
        { $sort: { total: -1 } },
        { $skip: 1 },
        { $limit: 5 },
        { $sample: { size: 2 } },
        { $replaceRoot: { newRoot: '$$ROOT' } },
        { $sortByCount: '$day' },
        { $count: 'n' },
      ],
    });
  });

  test('stage arguments are checked', () => {
    for (const stage of [
      '.limit(0)',
      '.skip(-1)',
      '.count("$n")',
      '.unwind("user")',
      '.group(1)',
      '.match(1)',
      '.lookup({pipeline: $.pipeline().match({})})',
    ]) {
      expect(refusal(`db.collection("c").aggregate()${stage}.end()`).errcode).toBe(QueryErrcode.INVALID_PARAM);
    }
    expect(refusal('db.collection("c").aggregate().match({}).bogus({}).end()').errcode).toBe(QueryErrcode.INVALID_COMMAND);
    expect(refusal('db.collection("c").aggregate().match({})').message).toContain('.end()');
  });
});

describe('limits and misuse of the chain', () => {
  test('limit is 1 to 1000; skip an integer from 0', () => {
    expect(parseDbQuery('db.collection("c").limit(1000).get()')).toMatchObject({ limit: 1000 });
    for (const bad of ['limit(1001)', 'limit(0)', 'limit(1.5)', 'limit("10")', 'skip(-1)', 'skip(0.5)']) {
      expect(refusal(`db.collection("c").${bad}.get()`).errcode).toBe(QueryErrcode.INVALID_PARAM);
    }
  });

  test('orderBy takes asc or desc', () => {
    expect(refusal('db.collection("c").orderBy("a", "up").get()').errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(refusal('db.collection("c").orderBy("a").get()').errcode).toBe(QueryErrcode.INVALID_PARAM);
  });

  test.each([
    ['db.collection("c").where({}).where({}).get()', 'only once'],
    ['db.collection("c").limit(1).limit(2).get()', 'only once'],
    ['db.collection("c").where({a: 1}).limit(1).remove()', 'orderBy/skip/limit/field'],
    ['db.collection("c").skip(1).count()', 'orderBy/skip/limit/field'],
    ['db.collection("c").orderBy("a", "asc").update({data: {a: 1}})', 'orderBy/skip/limit/field'],
    ['db.collection("c").doc("a").where({}).get()', 'after .doc()'],
    ['db.collection("c").where({}).doc("a").get()', '.doc()'],
    ['db.collection("c").where({}).add({data: {}})', '.add()'],
    ['db.collection("c").set({data: {}})', '.set()'],
    ['db.collection("c").get().count()', 'nothing may follow'],
    ['db.collection("c").where({a: 1})', 'must end with'],
    ['db.collection("c").add({data: []})', 'at least one'],
    ['db.collection("c").add({data: {a: 1}, success: 1})', "'success'"],
    ['db.collection("c").add({data: [1]})', 'takes an object'],
    ['db.collection("c").add({data: {_id: ""}})', '_id'],
    ['db.collection("").get()', 'collection name'],
    ['db.collection(1).get()', 'collection name'],
    ['db.collection("c").doc("").get()', 'document id'],
    ['db.collection("c").where({a: _.inc(1)}).get()', '_.inc()'],
    ['db.collection("c").where(_.gt(1)).get()', 'takes an object'],
    ['db.collection("c").where({a: _.and(1, 2)}).get()', '_.and()'],
    ['db.collection("c").where(_.not(_.gt(1))).get()', 'field'],
    ['db.collection("c").where(_.or(_.gt(1))).get()', 'needs a field'],
    ['db.collection("c").where({a: _.gt()}).get()', 'takes 1 argument'],
    ['db.collection("c").where({a: _.in(1)}).get()', 'takes an array'],
    ['db.collection("c").where({a: _.size(-1)}).get()', '_.size()'],
    ['db.collection("c").doc("a").update({data: {a: _.inc("1")}})', 'takes a number'],
    ['db.collection("c").field({a: "yes"}).get()', 'field()'],
    ['db.collection("c").where({a: 1, a: 2}).get()', 'twice'],
    ['db.collection("c").where({1: 2}).get()', 'numeric keys'],
    ['db.collection("c").where({a: [1, , 2]}).get()', 'hole'],
    ['db.collection("c").where({a: 1e999}).get()', 'out of range'],
    ['db.collection("c").where({a: 10n}).get()', 'BigInt'],
    ['db.serverDate()', 'starts with db.collection'],
    ['db.collection("c").where({a: db.collection("d")}).get()', 'db.collection()'],
    ['db.collection("c"', 'syntax error'],
    ['', 'empty'],
    ['   ', 'empty'],
  ])('%s', (query, words) => {
    const error = refusal(query);
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.code).toBe('INVALID_PARAM');
    expect(error.message).toContain(words);
  });
});

describe('errors', () => {
  test('carry WeChat’s errcode, an errmsg in the SDK’s words and the position of the refusal', () => {
    const error = refusal('db.collection("c")\n  .where({a: process.env})\n  .get()');
    expect(error).toBeInstanceOf(QueryParseError);
    expect(error.errcode).toBe(-502002);
    expect(error.code).toBe('DATABASE_INVALID_COMMAND');
    expect(error.transient).toBe(false);
    expect(error.position).toEqual({ offset: 32, line: 2, column: 14 });
    expect(error.message).toBe("property access 'process.env' is not allowed; only calls are (line 2, column 14)");
    expect(error.errmsg).toBe(`database invalid command. ${error.message}`);
  });

  test('invalid parameters read as such', () => {
    const error = refusal('db.collection("c").limit(5000).get()');
    expect(error.errcode).toBe(-501007);
    expect(error.errmsg).toMatch(/^invalid parameters\. \.limit\(\) takes an integer from 1 to 1000 \(line 1, column 26\)$/);
  });

  test('a non-string query is refused without a position', () => {
    const error = refusal(42 as unknown as string);
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.position).toBeUndefined();
  });
});
