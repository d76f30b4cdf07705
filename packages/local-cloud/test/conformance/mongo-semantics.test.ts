import { failure, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Where mingo (the local cloud's query engine) and MongoDB (WeChat's database) answer differently,
// checked through the real wx-server-sdk against the result MongoDB's manual documents; each test
// or table row names the manual page ("MongoDB manual: <page>") its expected value comes from.
// Aggregation: every expression operator and accumulator @cloudbase/database 1.4.3 exposes as
// db.command.aggregate.* (meta excepted: it needs a text index), each with the manual's example.

const t = useConformanceCloud();

type Operators = Record<string, (param: unknown) => unknown>;
const $ = (): Operators => t.db.command.aggregate as unknown as Operators;

interface AggregateChain {
  project(spec: object): AggregateChain;
  group(spec: object): AggregateChain;
  sort(spec: object): AggregateChain;
  end(): Promise<{ list: Doc[] }>;
}
const aggregate = (): AggregateChain => t.items.aggregate() as unknown as AggregateChain;

/** The manual's example date for the date operators (MongoDB manual: Date Expression Operators). */
const D = new Date('2014-01-01T08:15:39.736Z');

describe('query operators', () => {
  // MongoDB manual: $elemMatch (query) — a condition on fields matches embedded documents only
  test('elemMatch with a field condition does not match an array of plain numbers', async () => {
    t.seed([
      { _id: 'numbers', tags: [1, 2, 3] },
      { _id: 'documents', tags: [{ value: 1 }, { value: -1 }] },
      { _id: 'mixed', tags: [5, { value: -1 }] },
    ]);
    const _ = t.db.command;
    const { data } = await sdkCall(t.items.where({ tags: _.elemMatch({ value: _.gt(0) }) }).get());
    expect(data.map((doc) => doc._id)).toEqual(['documents']);
  });

  // MongoDB manual: $elemMatch (query) — a condition of bare operators ({ $gte: 80, $lt: 85 }) tests plain values
  test('elemMatch with bare operators matches plain values', async () => {
    t.seed([
      { _id: 1, results: [82, 85, 88] },
      { _id: 2, results: [75, 88, 89] },
    ]);
    const _ = t.db.command;
    const { data } = await sdkCall(t.items.where({ results: _.elemMatch(_.lt(80)) }).get());
    expect(data.map((doc) => doc._id)).toEqual([2]);
  });

  // MongoDB manual: $jsonSchema — bsonType, required, properties, minimum
  test('jsonSchema selects documents matching the schema (bsonType, required, minimum)', async () => {
    t.seed([
      { _id: 'ok', name: 'Ann', age: 30 },
      { _id: 'young', name: 'Bob', age: 3 },
      { _id: 'no-name', age: 40 },
      { _id: 'age-text', name: 'Cy', age: '40' },
    ]);
    const _ = t.db.command as unknown as { jsonSchema(schema: object): object };
    const schema = { required: ['name', 'age'], properties: { name: { bsonType: 'string' }, age: { bsonType: ['int', 'double'], minimum: 18 } } };
    const { data } = await sdkCall(t.items.where(_.jsonSchema(schema)).get());
    expect(data.map((doc) => doc._id)).toEqual(['ok']);
  });
});

/** [operator, argument, MongoDB's documented result, manual page]; `undefined` = the field is left out. */
const EXPRESSIONS: ReadonlyArray<readonly [string, unknown, unknown, string]> = [
  ['abs', -1, 1, '$abs'],
  ['add', [5, 10], 15, '$add'],
  ['ceil', -2.5, -2, '$ceil'],
  ['divide', [9, 2], 4.5, '$divide'],
  ['exp', 0, 1, '$exp'],
  ['floor', -2.5, -3, '$floor'],
  ['ln', 1, 0, '$ln'],
  ['log', [100, 10], 2, '$log'],
  ['log10', 100, 2, '$log10'],
  ['mod', [10, 3], 1, '$mod (aggregation)'],
  ['multiply', [2, 3, 4], 24, '$multiply'],
  ['pow', [2, -2], 0.25, '$pow'],
  ['sqrt', 25, 5, '$sqrt'],
  ['subtract', [5, 3], 2, '$subtract'],
  ['trunc', -2.5, -2, '$trunc'],
  ['arrayElemAt', [[1, 2, 3], -1], 3, '$arrayElemAt'],
  ['arrayElemAt', [[1, 2, 3], 15], undefined, '$arrayElemAt (index past the end: missing)'],
  [
    'arrayToObject',
    [
      [
        ['item', 'abc123'],
        ['qty', 25],
      ],
    ],
    { item: 'abc123', qty: 25 },
    '$arrayToObject',
  ],
  ['concatArrays', [['hello', ' '], ['world']], ['hello', ' ', 'world'], '$concatArrays'],
  ['in', [2, [1, 2, 3]], true, '$in (aggregation)'],
  ['indexOfArray', [['a', 'abc', 'de', ['de']], ['de']], 3, '$indexOfArray'],
  ['isArray', [[1, 2]], true, '$isArray'],
  ['range', [0, 10, 3], [0, 3, 6, 9], '$range'],
  ['reverseArray', [[1, 2, 3]], [3, 2, 1], '$reverseArray'],
  ['size', [[1, 2, 3]], 3, '$size (aggregation)'],
  ['slice', [[1, 2, 3], -2], [2, 3], '$slice (aggregation)'],
  ['slice', [[1, 2, 3], 1, 1], [2], '$slice (aggregation)'],
  [
    'zip',
    {
      inputs: [
        [1, 2],
        [3, 4],
      ],
    },
    [
      [1, 3],
      [2, 4],
    ],
    '$zip',
  ],
  ['and', [true, false], false, '$and (aggregation)'],
  ['or', [false, 1], true, '$or (aggregation)'],
  ['not', [false], true, '$not (aggregation)'],
  ['cmp', [1, 2], -1, '$cmp'],
  ['eq', [1, 1], true, '$eq (aggregation)'],
  ['gt', [2, 1], true, '$gt (aggregation)'],
  ['gte', [1, 1], true, '$gte (aggregation)'],
  ['lt', [2, 1], false, '$lt (aggregation)'],
  ['lte', [1, 1], true, '$lte (aggregation)'],
  ['neq', [1, 2], true, '$ne (aggregation)'],
  ['cond', { if: false, then: 'a', else: 'b' }, 'b', '$cond'],
  ['ifNull', [null, 'Unspecified'], 'Unspecified', '$ifNull'],
  ['switch', { branches: [{ case: false, then: 1 }], default: 2 }, 2, '$switch'],
  ['dateFromParts', { year: 2017, month: 2, day: 8, hour: 12 }, new Date('2017-02-08T12:00:00Z'), '$dateFromParts'],
  ['dateFromString', { dateString: '2017-02-08T12:10:40.787Z' }, new Date('2017-02-08T12:10:40.787Z'), '$dateFromString'],
  ['dateToString', { format: '%Y-%m-%d %H:%M:%S', date: D }, '2014-01-01 08:15:39', '$dateToString'],
  ['year', D, 2014, '$year'],
  ['month', D, 1, '$month'],
  ['dayOfMonth', D, 1, '$dayOfMonth'],
  ['hour', D, 8, '$hour'],
  ['minute', D, 15, '$minute'],
  ['second', D, 39, '$second'],
  ['millisecond', D, 736, '$millisecond'],
  ['dayOfYear', D, 1, '$dayOfYear'],
  ['dayOfWeek', D, 4, '$dayOfWeek (1 = Sunday)'],
  ['week', D, 0, '$week (days before the first Sunday are week 0)'],
  ['week', new Date('2019-05-14T00:00:00Z'), 19, '$week (Sunday-based; mingo said 20)'],
  ['isoWeek', D, 1, '$isoWeek'],
  ['isoDayOfWeek', D, 3, '$isoDayOfWeek'],
  ['isoWeekYear', D, 2014, '$isoWeekYear'],
  ['literal', '$1', '$1', '$literal'],
  ['mergeObjects', [{ a: 1 }, { b: 2 }, { a: 3 }], { a: 3, b: 2 }, '$mergeObjects'],
  [
    'objectToArray',
    { item: 'foo', qty: 25 },
    [
      { k: 'item', v: 'foo' },
      { k: 'qty', v: 25 },
    ],
    '$objectToArray',
  ],
  ['allElementsTrue', [[true, 1, 'yes']], true, '$allElementsTrue'],
  ['anyElementTrue', [[false, 0, null]], false, '$anyElementTrue'],
  ['setDifference', [['a', 'b'], ['b']], ['a'], '$setDifference'],
  [
    'setEquals',
    [
      ['a', 'b', 'a'],
      ['b', 'a'],
    ],
    true,
    '$setEquals',
  ],
  [
    'setIntersection',
    [
      ['a', 'b'],
      ['b', 'c'],
    ],
    ['b'],
    '$setIntersection',
  ],
  ['setIsSubset', [['a'], ['a', 'b']], true, '$setIsSubset'],
  ['concat', ['abc', '-', 'def'], 'abc-def', '$concat'],
  ['indexOfBytes', ['cafeteria', 'e'], 3, '$indexOfBytes'],
  ['indexOfCP', ['cafeteria', 'e'], 3, '$indexOfCP (missing in mingo)'],
  ['indexOfCP', ['cafétéria', 'é'], 3, '$indexOfCP'],
  ['indexOfCP', ['vanilla', 'll', 0, 2], -1, '$indexOfCP (end bound)'],
  ['indexOfCP', [null, 'foo'], null, '$indexOfCP (null string)'],
  ['split', ['June-15-2013', '-'], ['June', '15', '2013'], '$split'],
  ['strLenBytes', 'cafétéria', 11, '$strLenBytes'],
  ['strLenCP', 'cafétéria', 9, '$strLenCP'],
  ['strcasecmp', ['ABC', 'abc'], 0, '$strcasecmp'],
  ['substr', ['hello', 1, -1], 'ello', '$substr (negative length: the rest of the string)'],
  ['substrBytes', ['hello', 1, -1], 'ello', '$substrBytes (negative length: the rest of the string)'],
  ['substrBytes', ['cafétéria', 0, 5], 'café', '$substrBytes'],
  ['substrCP', ['cafétéria', 0, 5], 'cafét', '$substrCP'],
  ['toLower', 'ABC', 'abc', '$toLower'],
  ['toUpper', 'abc', 'ABC', '$toUpper'],
  ['map', { input: [1, 2], as: 'x', in: { $add: ['$$x', 1] } }, [2, 3], '$map'],
  ['filter', { input: [1, 2, 3], as: 'x', cond: { $gt: ['$$x', 1] } }, [2, 3], '$filter'],
  ['reduce', { input: [1, 2, 3], initialValue: 0, in: { $add: ['$$value', '$$this'] } }, 6, '$reduce'],
];

describe('aggregation expression operators', () => {
  test.each(EXPRESSIONS)('%s(%j) is %j (MongoDB manual: %s)', async (name, argument, expected) => {
    t.seed([{ _id: 'only' }]);
    const operator = $()[name];
    if (!operator) throw new Error(`db.command.aggregate.${name} is missing`);
    const { list } = await sdkCall(
      aggregate()
        .project({ _id: 0, r: operator(argument) })
        .end(),
    );
    expect(list).toEqual([expected === undefined ? {} : { r: expected }]);
  });

  // MongoDB manual: $setUnion — the order of the result is unspecified, so compared as a set
  test('setUnion([[a], [b, a]]) holds a and b once each (MongoDB manual: $setUnion)', async () => {
    t.seed([{ _id: 'only' }]);
    const { list } = await sdkCall(
      aggregate()
        .project({ _id: 0, r: $().setUnion!([['a'], ['b', 'a']]) })
        .end(),
    );
    expect([...((list[0]?.r as string[]) ?? [])].sort()).toEqual(['a', 'b']);
  });

  // MongoDB manual: $let
  test('let binds variables for its expression (MongoDB manual: $let)', async () => {
    t.seed([{ _id: 'only', price: 10, tax: 0.5 }]);
    const { list } = await sdkCall(
      aggregate()
        .project({ _id: 0, r: $().let!({ vars: { total: { $add: ['$price', '$tax'] } }, in: { $multiply: ['$$total', 2] } }) })
        .end(),
    );
    expect(list).toEqual([{ r: 21 }]);
  });
});

describe('accumulators', () => {
  // MongoDB manual: $stdDevPop / $stdDevSamp / $sum / $avg / $first / $last / $max / $min / $push / $addToSet
  test('every group accumulator gives the manual’s value for 1, 2, 3, 4', async () => {
    t.seed([1, 2, 3, 4].map((n) => ({ _id: `n${n}`, n, parity: n % 2 === 0 ? 'even' : 'odd' })));
    const a = $();
    const { list } = await sdkCall(
      aggregate()
        .group({
          _id: null,
          sum: a.sum!('$n'),
          avg: a.avg!('$n'),
          first: a.first!('$n'),
          last: a.last!('$n'),
          max: a.max!('$n'),
          min: a.min!('$n'),
          push: a.push!('$n'),
          addToSet: a.addToSet!('$parity'),
          stdDevPop: a.stdDevPop!('$n'),
          stdDevSamp: a.stdDevSamp!('$n'),
        })
        .end(),
    );
    const [row] = list;
    expect(row).toMatchObject({ _id: null, sum: 10, avg: 2.5, first: 1, last: 4, max: 4, min: 1, push: [1, 2, 3, 4] });
    expect([...(row?.addToSet as string[])].sort()).toEqual(['even', 'odd']);
    expect(row?.stdDevPop).toBeCloseTo(1.118033988749895, 12);
    expect(row?.stdDevSamp).toBeCloseTo(1.2909944487358056, 12);
  });
});

describe('$rename (issue 10 item 9)', () => {
  const rename = (target: string): object => ({ a: (t.db.command as unknown as { rename(to: string): object }).rename(target) });

  // MongoDB manual: $rename — "The destination field cannot be an array element"
  test('renaming into an element of an array is refused and the field stays', async () => {
    t.seed([{ _id: 'r', a: 1, list: [{ c: 0 }] }]);
    const error = await failure(t.items.doc('r').update({ data: rename('list.0.c') }));
    expect(error.errCode).toBe(-502001);
    expect(error.message).toMatch(/array element/);
    expect(t.stored('r')).toEqual({ _id: 'r', a: 1, list: [{ c: 0 }] });
  });

  // MongoDB manual: $rename / update operators — a field cannot be created inside a number
  test('renaming to a path under a number is refused and the field stays', async () => {
    t.seed([{ _id: 'r', a: 1, n: 5 }]);
    const error = await failure(t.items.doc('r').update({ data: rename('n.x') }));
    expect(error.errCode).toBe(-502001);
    expect(error.message).toMatch(/Cannot create field/);
    expect(t.stored('r')).toEqual({ _id: 'r', a: 1, n: 5 });
  });

  // mingo drops writes through constructor.prototype (a pollution guard); refused, never lost
  test('renaming to constructor.prototype.x is refused and the field stays', async () => {
    t.seed([{ _id: 'r', a: 1 }]);
    const error = await failure(t.items.doc('r').update({ data: rename('constructor.prototype.x') }));
    expect(error.errCode).toBe(-502001);
    expect(t.stored('r')).toEqual({ _id: 'r', a: 1 });
  });

  // MongoDB manual: $rename — an embedded document's field is renamed through dot paths (still works)
  test('renaming into a new embedded document still works', async () => {
    t.seed([{ _id: 'r', a: 1 }]);
    const { stats } = await sdkCall(t.items.doc('r').update({ data: rename('b.c') }));
    expect(stats.updated).toBe(1);
    expect(t.stored('r')).toEqual({ _id: 'r', b: { c: 1 } });
  });
});
