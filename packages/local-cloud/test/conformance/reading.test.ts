import { ids, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Reading through the real wx-server-sdk: ordering, paging, the server-side limits, projection
// and count. Each group cites the page of WeChat's documentation it follows.

const t = useConformanceCloud();

const PEOPLE: Doc[] = [
  { _id: 'p1', name: 'ann', age: 30, style: { color: 'red' }, tags: ['a', 'b', 'c', 'd'], bio: 'x' },
  { _id: 'p2', name: 'bob', age: 25, style: { color: 'blue' }, tags: ['e'], bio: 'y' },
  { _id: 'p3', name: 'cat', age: 30, style: { color: 'green' }, tags: [], bio: 'z' },
  { _id: 'p4', name: 'dan', age: 41, style: { color: 'amber' }, tags: ['f', 'g'], bio: 'w' },
];

function many(count: number): Doc[] {
  return Array.from({ length: count }, (_unused, i) => ({ _id: `d${String(i).padStart(5, '0')}`, n: i }));
}

describe('ordering', () => {
  beforeEach(() => t.seed(PEOPLE));

  // 数据库 / Collection / Collection.orderBy: "order 只能取 asc 或 desc"
  test('orderBy sorts ascending or descending', async () => {
    expect(ids((await sdkCall(t.items.orderBy('name', 'desc').get())).data)).toEqual(['p4', 'p3', 'p2', 'p1']);
    expect(ids((await sdkCall(t.items.orderBy('name', 'asc').get())).data)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  // 数据库 / Collection / Collection.orderBy: "多字段排序时的顺序会按照 orderBy 调用顺序先后对多个字段排序"
  test('several orderBy calls sort by the first field, then by the next', async () => {
    const result = await sdkCall(t.items.orderBy('age', 'desc').orderBy('name', 'asc').get());
    expect(ids(result.data)).toEqual(['p4', 'p1', 'p3', 'p2']);
    const reversed = await sdkCall(t.items.orderBy('age', 'desc').orderBy('name', 'desc').get());
    expect(ids(reversed.data)).toEqual(['p4', 'p3', 'p1', 'p2']);
  });

  // 数据库 / Collection / Collection.orderBy: "如果需要对嵌套字段排序，需要用 "点表示法" 连接嵌套字段"
  test('orderBy a nested field given in dot notation', async () => {
    const result = await sdkCall(t.items.orderBy('style.color', 'asc').get());
    expect(ids(result.data)).toEqual(['p4', 'p2', 'p3', 'p1']);
  });
});

describe('paging and limits', () => {
  // 数据库 / Collection / Collection.skip and Collection.get 示例代码 2: 分页取数据
  test('skip then limit returns one page of the ordered results', async () => {
    t.seed(many(25));
    const page2 = await sdkCall(t.items.orderBy('n', 'asc').skip(10).limit(10).get());
    expect(page2.data.map((doc: Doc) => doc.n)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const last = await sdkCall(t.items.orderBy('n', 'asc').skip(20).limit(10).get());
    expect(last.data.map((doc: Doc) => doc.n)).toEqual([20, 21, 22, 23, 24]);
    const past = await sdkCall(t.items.orderBy('n', 'asc').skip(30).limit(10).get());
    expect(past.data).toEqual([]);
  });

  // 数据库 / Collection / Collection.get: "云函数端：如果没有指定 limit，则默认且最多取 100 条记录"
  test('get without limit returns at most 100 documents in a cloud function', async () => {
    t.seed(many(150));
    const result = await sdkCall(t.items.orderBy('n', 'asc').get());
    expect(result.data).toHaveLength(100);
    expect(result.data.map((doc: Doc) => doc.n)).toEqual(Array.from({ length: 100 }, (_unused, i) => i));
  });

  // 数据库 / Collection / Collection.limit: "在云函数端默认及最大上限为 1000". Beyond it, the SDK
  // itself sends 1000 (limit < 1000 ? limit : 1000), so the answer holds 1000 documents, no error.
  test('limit up to 1000 is honoured in a cloud function; a larger limit still returns 1000', async () => {
    t.seed(many(1200));
    expect((await sdkCall(t.items.limit(1000).get())).data).toHaveLength(1000);
    expect((await sdkCall(t.items.limit(250).get())).data).toHaveLength(250);
    const beyond = await sdkCall(t.items.orderBy('n', 'asc').limit(1500).get());
    expect(beyond.data).toHaveLength(1000);
    const rest = await sdkCall(t.items.orderBy('n', 'asc').skip(1000).limit(1000).get());
    expect(rest.data.map((doc: Doc) => doc.n)).toEqual(Array.from({ length: 200 }, (_unused, i) => 1000 + i));
  });
});

describe('projection', () => {
  beforeEach(() => t.seed(PEOPLE));

  const fieldNames = (doc: Doc): string[] =>
    Object.keys(doc)
      .filter((key) => key !== '_id')
      .sort();

  // 数据库 / Collection / Collection.field: "value 传入 true|false（或 1|-1）表示要返回还是不要返回"
  // (whether _id comes back unasked is not stated, so only the other fields are checked)
  test('field({a: true}) returns only the named fields', async () => {
    const result = await sdkCall(t.items.where({ _id: 'p1' }).field({ name: true, age: true }).get());
    expect(result.data).toHaveLength(1);
    expect(fieldNames(result.data[0] as Doc)).toEqual(['age', 'name']);
    expect(result.data[0]).toMatchObject({ name: 'ann', age: 30 });
  });

  // 数据库 / Collection / Collection.field (false / -1: 不要返回)
  test('field({a: false}) returns every field except the named ones', async () => {
    const result = await sdkCall(t.items.where({ _id: 'p2' }).field({ bio: false, tags: -1 }).get());
    expect(result.data).toEqual([{ _id: 'p2', name: 'bob', age: 25, style: { color: 'blue' } }]);
  });

  // 数据库 / Document / Document.field
  test('doc(id).field limits the fields of that one document', async () => {
    const result = await sdkCall(t.items.doc('p4').field({ style: true }).get());
    expect(fieldNames(result.data as Doc)).toEqual(['style']);
    expect((result.data as Doc).style).toEqual({ color: 'amber' });
  });

  // 数据库 / 查询指令 / Command.project.slice (Collection.field: 返回数组的子数组: n, -n, [m, n])
  test('project.slice returns the first n, the last n, or n from position m of an array', async () => {
    const _ = t.db.command;
    const first = await sdkCall(
      t.items
        .doc('p1')
        .field({ tags: _.project.slice(2) })
        .get(),
    );
    const last = await sdkCall(
      t.items
        .doc('p1')
        .field({ tags: _.project.slice(-1) })
        .get(),
    );
    const middle = await sdkCall(
      t.items
        .doc('p1')
        .field({ tags: _.project.slice([1, 2]) })
        .get(),
    );
    expect((first.data as Doc).tags).toEqual(['a', 'b']);
    expect((last.data as Doc).tags).toEqual(['d']);
    expect((middle.data as Doc).tags).toEqual(['b', 'c']);
  });
});

describe('count', () => {
  // 数据库 / Collection / Collection.count: the number of records matching the query (total)
  test('count returns the number of matching documents, not limited to 100', async () => {
    t.seed([...PEOPLE, ...many(150)]);
    const _ = t.db.command;
    const all = await sdkCall(t.items.count());
    expect(all.total).toBe(154);
    expect(all.errMsg).toBe('collection.count:ok');
    expect((await sdkCall(t.items.where({ age: 30 }).count())).total).toBe(2);
    expect((await sdkCall(t.items.where({ age: _.gt(100) }).count())).total).toBe(0);
  });
});
