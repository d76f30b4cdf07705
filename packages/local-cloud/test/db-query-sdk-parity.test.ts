import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseDbQuery } from '../src/db-query';

/**
 * The parser must mean what WeChat's own SDK means. wx-server-sdk 4.0.2 carries
 * @cloudbase/database 1.4.3, whose serializers turn `_.gt(1)` & co. into what is sent to the
 * backend; each case builds the same condition with the real SDK (in code, nothing evaluated)
 * and compares its encoding with the parser's reading of the query text.
 */
const sdkRequire = createRequire(require.resolve('@cloudbase/node-sdk/package.json', { paths: [dirname(require.resolve('wx-server-sdk/package.json'))] }));

interface SdkCondition {
  and(...conditions: unknown[]): SdkCondition;
  or(...conditions: unknown[]): SdkCondition;
  lt(value: unknown): SdkCondition;
}
type SdkCommands = Record<string, (...args: unknown[]) => SdkCondition>;
interface Serializer {
  encode(value: unknown): unknown;
}

const _ = (sdkRequire('@cloudbase/database/dist/commonjs/command.js') as { Command: SdkCommands }).Command;
const { QuerySerializer } = sdkRequire('@cloudbase/database/dist/commonjs/serializer/query.js') as { QuerySerializer: Serializer };
const { UpdateSerializer } = sdkRequire('@cloudbase/database/dist/commonjs/serializer/update.js') as { UpdateSerializer: Serializer };

/** One comparable form: RegExps as the SDK's `$regularExpression`, Dates as ms, commands through toJSON. */
function canonical(value: unknown): unknown {
  if (value instanceof RegExp) return { $regularExpression: { pattern: value.source, options: value.flags } };
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return canonical(withJson.toJSON());
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, canonical(field)]));
  }
  return value;
}

function parsedWhere(filter: string): unknown {
  const parsed = parseDbQuery(`db.collection("c").where(${filter}).get()`);
  if (parsed.op !== 'get') throw new Error('not a get');
  return parsed.where;
}

function parsedUpdate(data: string): unknown {
  const parsed = parseDbQuery(`db.collection("c").where({x: 1}).update({data: ${data}})`);
  if (parsed.op !== 'update') throw new Error('not an update');
  return parsed.data;
}

const c = _;

describe('where() encodes as @cloudbase/database’s QuerySerializer does', () => {
  const cases: Array<[string, () => unknown]> = [
    ['{age: _.gt(18), name: /^张/i}', () => ({ age: c.gt!(18), name: /^张/i })],
    ['{a: {b: {c: 1}}, d: [1, {e: 2}]}', () => ({ a: { b: { c: 1 } }, d: [1, { e: 2 }] })],
    ['{a: _.neq(null), b: _.in([1, 2]), c: _.nin(["x"]), d: _.all([1])}', () => ({ a: c.neq!(null), b: c.in!([1, 2]), c: c.nin!(['x']), d: c.all!([1]) })],
    ['{a: _.exists(true), b: _.size(2), m: _.mod(3, 1)}', () => ({ a: c.exists!(true), b: c.size!(2), m: c.mod!(3, 1) })],
    ['{a: _.elemMatch({x: _.gt(1)})}', () => ({ a: c.elemMatch!({ x: c.gt!(1) }) })],
    ['{a: _.gt(1).and(_.lt(5))}', () => ({ a: c.gt!(1).and(c.lt!(5)) })],
    ['{a: _.gt(1).lt(5)}', () => ({ a: c.gt!(1).lt(5) })],
    ['{a: _.lt(1).or(_.gt(5)), b: _.gt(2).and(_.lt(3))}', () => ({ a: c.lt!(1).or(c.gt!(5)), b: c.gt!(2).and(c.lt!(3)) })],
    ['{p: {mem: _.gt(8).and(_.lt(16)).or(_.eq(32))}, q: 1}', () => ({ p: { mem: c.gt!(8).and(c.lt!(16)).or(c.eq!(32)) }, q: 1 })],
    ['{a: _.not(_.gt(5)), r: _.not(/x/m)}', () => ({ a: c.not!(c.gt!(5)), r: c.not!(/x/m) })],
    ['{a: _.or(_.gt(1), _.lt(-1))}', () => ({ a: c.or!(c.gt!(1), c.lt!(-1)) })],
    ['{a: _.nor([_.gt(1), _.lt(-1)])}', () => ({ a: c.nor!([c.gt!(1), c.lt!(-1)]) })],
    ['_.or([{a: 1}, {b: _.gt(2), c: {d: 3}}])', () => c.or!([{ a: 1 }, { b: c.gt!(2), c: { d: 3 } }])],
    ['_.and({a: 1}, _.or({b: 1}, {c: _.in([1])}))', () => c.and!({ a: 1 }, c.or!({ b: 1 }, { c: c.in!([1]) }))],
    ['{at: _.gte(new Date(1700000000000))}', () => ({ at: c.gte!(new Date(1700000000000)) })],
    ['{n: {$gt: 1, x: 2}}', () => ({ n: { $gt: 1, x: 2 } })],
  ];

  test.each(cases)('%s', (filter, sdk) => {
    expect(canonical(parsedWhere(filter))).toEqual(canonical(QuerySerializer.encode(sdk())));
  });
});

describe('update() encodes as @cloudbase/database’s UpdateSerializer does', () => {
  const cases: Array<[string, () => unknown]> = [
    ['{a: 1, b: {c: 2, d: {e: "x"}}}', () => ({ a: 1, b: { c: 2, d: { e: 'x' } } })],
    ['{a: _.inc(1), b: _.mul(2), c: _.set({x: 1}), d: _.remove()}', () => ({ a: c.inc!(1), b: c.mul!(2), c: c.set!({ x: 1 }), d: c.remove!() })],
    ['{a: {a1: _.set({a11: "t"}), a2: _.inc(10)}}', () => ({ a: { a1: c.set!({ a11: 't' }), a2: c.inc!(10) } })],
    [
      '{a: _.push(1, 2), b: _.push([3]), c: _.push({each: [4], position: 1, slice: -2, sort: 1})}',
      () => ({ a: c.push!(1, 2), b: c.push!([3]), c: c.push!({ each: [4], position: 1, slice: -2, sort: 1 }) }),
    ],
    ['{a: _.pop(), b: _.shift(), u: _.unshift(1, 2)}', () => ({ a: c.pop!(), b: c.shift!(), u: c.unshift!(1, 2) })],
    [
      '{a: _.pull(_.in([1])), b: _.pullAll([2]), s: _.addToSet({$each: [3]})}',
      () => ({ a: c.pull!(c.in!([1])), b: c.pullAll!([2]), s: c.addToSet!({ $each: [3] }) }),
    ],
    ['{a: _.rename("z"), b: _.max(1), m: _.min(2), x: _.bit({or: 1})}', () => ({ a: c.rename!('z'), b: c.max!(1), m: c.min!(2), x: c.bit!({ or: 1 }) })],
    ['{list: [1, {a: 2}], at: new Date(5), r: /a/i}', () => ({ list: [1, { a: 2 }], at: new Date(5), r: /a/i })],
  ];

  test.each(cases)('%s', (data, sdk) => {
    expect(canonical(parsedUpdate(data))).toEqual(canonical(UpdateSerializer.encode(sdk())));
  });
});
