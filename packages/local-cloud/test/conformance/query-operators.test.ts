import { expr, idSet, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Query operators through the real wx-server-sdk. Each group cites the page of WeChat's
// documentation it follows (开发 / 云开发 / SDK 文档 / 数据库 / ...). Result order is not part of a
// query's contract without orderBy, so these tests compare sets of _ids.

const t = useConformanceCloud();

const TODOS: Doc[] = [
  { _id: 't1', progress: 10, done: false, tags: ['cloud', 'miniprogram'], style: { color: 'red', size: 'large' }, description: 'Learn MiniProgram' },
  { _id: 't2', progress: 50, done: true, tags: ['cloud'], style: { color: 'blue' }, description: 'write cloud functions' },
  { _id: 't3', progress: 90, done: false, tags: ['database', 'cloud', 'miniprogram'], description: 'line one\nminiprogram line two' },
  { _id: 't4', progress: 100, done: true, tags: [], description: 'MINIPROGRAM' },
  { _id: 't5', done: false, description: 'no progress, no tags' },
];

async function match(condition: object): Promise<unknown[]> {
  const result = await sdkCall(t.items.where(condition).get());
  return idSet(result.data);
}

beforeEach(() => t.seed(TODOS));

describe('comparison operators', () => {
  // 数据库 / 查询指令 / Command.eq
  test('eq matches a field equal to the literal', async () => {
    expect(await match({ progress: t.db.command.eq(50) })).toEqual(['t2']);
    expect(await match({ done: t.db.command.eq(true) })).toEqual(['t2', 't4']);
  });

  // 数据库 / 查询指令 / Command.eq: {stat: {publishYear, language}} matches stat.publishYear and
  // stat.language, while {stat: _.eq({...})} requires stat to equal the object
  test('eq with an object requires the whole object to be equal, while a plain object matches the named sub-fields', async () => {
    const _ = t.db.command;
    expect(await match({ style: { color: 'red' } })).toEqual(['t1']);
    expect(await match({ style: _.eq({ color: 'red' }) })).toEqual([]);
    expect(await match({ style: _.eq({ color: 'red', size: 'large' }) })).toEqual(['t1']);
    expect(await match({ style: _.eq({ color: 'blue' }) })).toEqual(['t2']);
  });

  // 数据库 / 查询指令 / Command.neq
  test('neq leaves out documents whose field equals the value', async () => {
    const found = await match({ progress: t.db.command.neq(50) });
    expect(found).toEqual(expect.arrayContaining(['t1', 't3', 't4']));
    expect(found).not.toContain('t2');
  });

  // 数据库 / 查询指令 / Command.gt
  test('gt matches values strictly greater', async () => {
    expect(await match({ progress: t.db.command.gt(50) })).toEqual(['t3', 't4']);
  });

  // 数据库 / 查询指令 / Command.gte
  test('gte matches values greater or equal', async () => {
    expect(await match({ progress: t.db.command.gte(50) })).toEqual(['t2', 't3', 't4']);
  });

  // 数据库 / 查询指令 / Command.lt
  test('lt matches values strictly less', async () => {
    expect(await match({ progress: t.db.command.lt(50) })).toEqual(['t1']);
  });

  // 数据库 / 查询指令 / Command.lte
  test('lte matches values less or equal', async () => {
    expect(await match({ progress: t.db.command.lte(50) })).toEqual(['t1', 't2']);
  });

  // 数据库 / 查询指令 / Command.in
  test('in matches a value found in the given array', async () => {
    expect(await match({ progress: t.db.command.in([10, 100]) })).toEqual(['t1', 't4']);
  });

  // 数据库 / 查询指令 / Command.nin ("字段的值需不在给定的数组内"; the page does not say how a
  // missing field is treated, so only documents that have the field are asserted on)
  test('nin leaves out values found in the given array', async () => {
    const found = await match({ progress: t.db.command.nin([10, 100]) });
    expect(found).toEqual(expect.arrayContaining(['t2', 't3']));
    expect(found).not.toContain('t1');
    expect(found).not.toContain('t4');
  });
});

describe('logical operators', () => {
  // 数据库 / 查询指令 / Command.and: prefix, postfix and plain chaining are the same condition
  test('and on one field: _.and(a, b), a.and(b) and a.b chained all mean both', async () => {
    const _ = t.db.command;
    expect(await match({ progress: _.and(_.gt(20), _.lt(95)) })).toEqual(['t2', 't3']);
    expect(await match({ progress: _.gt(20).and(_.lt(95)) })).toEqual(['t2', 't3']);
    expect(await match({ progress: _.gt(20).lt(95) })).toEqual(['t2', 't3']);
  });

  // 数据库 / 查询指令 / Command.and ("用在根查询条件")
  test('and at the top level needs every condition', async () => {
    const _ = t.db.command;
    expect(await match(_.and([{ progress: _.gt(20) }, { tags: 'cloud' }]))).toEqual(['t2', 't3']);
  });

  // 数据库 / 查询指令 / Command.or (on one field)
  test('or on one field matches either condition', async () => {
    const _ = t.db.command;
    expect(await match({ progress: _.lt(20).or(_.gt(95)) })).toEqual(['t1', 't4']);
    expect(await match({ progress: _.or(_.lt(20), _.gt(95)) })).toEqual(['t1', 't4']);
  });

  // 数据库 / 查询指令 / Command.or (across fields)
  test('or across fields matches documents meeting any of the conditions', async () => {
    const _ = t.db.command;
    expect(await match(_.or([{ progress: _.lt(20) }, { done: true }]))).toEqual(['t1', 't2', 't4']);
  });

  // 数据库 / 查询指令 / Command.not. (The page's second example, _.not(_.or([...])), cannot be
  // checked through wx-server-sdk 4.0.2: its serializer sends it as `{progress: {}}`.)
  test('not inverts a field condition', async () => {
    const _ = t.db.command;
    const notHundred = await match({ progress: _.not(_.eq(100)) });
    expect(notHundred).toEqual(expect.arrayContaining(['t1', 't2', 't3']));
    expect(notHundred).not.toContain('t4');
    const notLow = await match({ progress: _.not(_.lt(50)) });
    expect(notLow).toEqual(expect.arrayContaining(['t2', 't3', 't4']));
    expect(notLow).not.toContain('t1');
  });

  // 数据库 / 查询指令 / Command.nor 示例 1: "以上同时会筛选出不存在 progress 字段的记录"
  test('nor on a field matches documents failing every condition, including those without the field', async () => {
    const _ = t.db.command;
    expect(await match({ progress: _.nor([_.lt(20), _.gt(80)]) })).toEqual(['t2', 't5']);
  });

  // 数据库 / 查询指令 / Command.nor 示例 1: "如果要要求 progress 字段存在，可以用 exists 指令",
  // in the page's non-chained form (wx-server-sdk 4.0.2's exists() has no .nor method).
  test('exists(true).and(nor(...)) requires the field to be present', async () => {
    const _ = t.db.command;
    expect(await match({ progress: _.exists(true).and(_.nor([_.lt(20), _.gt(80)])) })).toEqual(['t2']);
  });

  // 数据库 / 查询指令 / Command.nor 示例 2 (across fields; missing fields satisfy nor)
  test('nor at the top level matches documents meeting none of the conditions', async () => {
    const _ = t.db.command;
    expect(await match(_.nor([{ progress: _.lt(20) }, { tags: 'miniprogram' }]))).toEqual(['t2', 't4', 't5']);
  });
});

describe('field and array operators', () => {
  // 数据库 / 查询指令 / Command.exists
  test('exists(true) and exists(false) select by the presence of a field', async () => {
    const _ = t.db.command;
    expect(await match({ tags: _.exists(true) })).toEqual(['t1', 't2', 't3', 't4']);
    expect(await match({ tags: _.exists(false) })).toEqual(['t5']);
  });

  // 数据库 / 查询指令 / Command.mod: "value % divisor = remainder"
  test('mod(divisor, remainder) matches values with that remainder', async () => {
    expect(await match({ progress: t.db.command.mod(20, 10) })).toEqual(['t1', 't2', 't3']);
    expect(await match({ progress: t.db.command.mod(100, 0) })).toEqual(['t4']);
  });

  // 数据库 / 查询指令 / Command.all
  test('all matches arrays containing every given element, in any order', async () => {
    expect(await match({ tags: t.db.command.all(['miniprogram', 'cloud']) })).toEqual(['t1', 't3']);
  });

  // 数据库 / 查询指令 / Command.size
  test('size matches arrays of exactly that length', async () => {
    expect(await match({ tags: t.db.command.size(2) })).toEqual(['t1']);
    expect(await match({ tags: t.db.command.size(0) })).toEqual(['t4']);
  });

  // 数据库 / 查询指令 / Command.elemMatch 示例 1: one element must meet all the conditions, unlike
  // dotted conditions that different elements may meet
  test('elemMatch needs a single element meeting every condition', async () => {
    t.seed([
      {
        _id: 'e1',
        places: [
          { area: 300, age: 1 },
          { area: 50, age: 5 },
        ],
      },
      {
        _id: 'e2',
        places: [
          { area: 300, age: 5 },
          { area: 50, age: 1 },
        ],
      },
    ]);
    const _ = t.db.command;
    expect(await match({ places: _.elemMatch({ area: _.gt(100), age: _.lt(2) }) })).toEqual(['e1']);
    expect(await match({ 'places.area': _.gt(100), 'places.age': _.lt(2) })).toEqual(['e1', 'e2']);
  });
  // (Command.elemMatch 示例 2, `_.elemMatch(_.gt(80).lt(100))` on an array of numbers, is left out:
  // wx-server-sdk 4.0.2 serializes the inner command as its JS object, not as operators.)
});

describe('aggregation expressions in queries', () => {
  // 数据库 / 查询指令 / Command.expr: an aggregation expression as a query condition, e.g. comparing
  // two fields of the same record
  test('expr compares fields of the same record', async () => {
    t.seed([
      { _id: 'short', inStock: 10, ordered: 12 },
      { _id: 'enough', inStock: 10, ordered: 3 },
    ]);
    const $ = t.db.command.aggregate;
    expect(await match(expr(t.db, $.gt(['$ordered', '$inStock'])))).toEqual(['short']);
  });
});

describe('regular expressions', () => {
  // 数据库 / Database.RegExp 基础用法示例 (原生 JavaScript 对象)
  test('a JavaScript RegExp with flag i matches case-insensitively', async () => {
    expect(await match({ description: /miniprogram/i })).toEqual(['t1', 't3', 't4']);
    expect(await match({ description: /miniprogram/ })).toEqual(['t3']);
  });

  // 数据库 / Database.RegExp 基础用法示例 (数据库正则对象, 用 new 构造也是可以的)
  test('db.RegExp({regexp, options}) matches like the JavaScript RegExp, with or without new', async () => {
    const { db } = t;
    expect(await match({ description: db.RegExp({ regexp: 'miniprogram', options: 'i' }) })).toEqual(['t1', 't3', 't4']);
    const Constructed = db.RegExp as unknown as new (options: { regexp: string; options: string }) => object;
    expect(await match({ description: new Constructed({ regexp: '^write', options: '' }) })).toEqual(['t2']);
  });

  // 数据库 / Database.RegExp options: "m 跨行匹配", "s 让 . 可以匹配包括换行符在内的所有字符"
  test('db.RegExp honours the m and s options', async () => {
    const { db } = t;
    expect(await match({ description: db.RegExp({ regexp: '^miniprogram', options: 'm' }) })).toEqual(['t3']);
    expect(await match({ description: db.RegExp({ regexp: '^miniprogram', options: '' }) })).toEqual([]);
    expect(await match({ description: db.RegExp({ regexp: 'one.miniprogram', options: 's' }) })).toEqual(['t3']);
    expect(await match({ description: db.RegExp({ regexp: 'one.miniprogram', options: '' }) })).toEqual([]);
  });
});

describe('nested fields and arrays', () => {
  // 数据库 / 查询、更新数组/嵌套对象 / 匹配记录中的嵌套字段 (方式一 and 方式二)
  test('a nested field matches through a nested object or through dot notation', async () => {
    t.seed([
      { _id: 'n1', author: { name: 'ann', stats: { likes: 3 } } },
      { _id: 'n2', author: { name: 'bob', stats: { likes: 4 } } },
    ]);
    expect(await match({ author: { stats: { likes: 3 } } })).toEqual(['n1']);
    expect(await match({ 'author.stats.likes': 3 })).toEqual(['n1']);
    expect(await match({ 'author.name': 'bob' })).toEqual(['n2']);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配数组
  test('an array value matches an identical array', async () => {
    expect(await match({ tags: ['cloud', 'miniprogram'] })).toEqual(['t1']);
    expect(await match({ tags: ['miniprogram', 'cloud'] })).toEqual([]);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配数组中的元素
  test('a scalar value matches arrays that contain it', async () => {
    expect(await match({ tags: 'database' })).toEqual(['t3']);
    expect(await match({ tags: 'cloud' })).toEqual(['t1', 't2', 't3']);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配数组第 n 项元素 ("数组下标从 0 开始")
  test('field.index matches the nth element of an array', async () => {
    expect(await match({ 'tags.0': 'cloud' })).toEqual(['t1', 't2']);
    expect(await match({ 'tags.1': 'cloud' })).toEqual(['t3']);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 结合查询指令进行匹配
  test('a query operator on an array field matches when some element meets it', async () => {
    t.seed([
      { _id: 'a1', numbers: [10, 20, 30] },
      { _id: 'a2', numbers: [1, 2] },
      { _id: 'a3', numbers: [12] },
    ]);
    const _ = t.db.command;
    expect(await match({ numbers: _.gt(25) })).toEqual(['a1']);
    // "存在包含大于 25 的值、同时也存在小于 15 的值": different elements may meet each part.
    expect(await match({ numbers: _.gt(25).and(_.lt(15)) })).toEqual(['a1']);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配多重嵌套的数组和对象: with indexes, and without them
  test('dot notation reaches into arrays of objects holding arrays, with or without indexes', async () => {
    t.seed([
      { _id: 'm1', root: { objects: [{ numbers: [10, 20, 30] }, { numbers: [50, 60, 70] }] } },
      { _id: 'm2', root: { objects: [{ numbers: [1, 30] }] } },
    ]);
    expect(await match({ 'root.objects.1.numbers.2': 70 })).toEqual(['m1']);
    expect(await match({ 'root.objects.numbers': 30 })).toEqual(['m1', 'm2']);
    expect(await match({ 'root.objects.numbers': 60 })).toEqual(['m1']);
  });
});
