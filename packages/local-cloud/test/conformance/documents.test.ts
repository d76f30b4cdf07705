import { failure, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Single documents through the real wx-server-sdk: add, doc(id) vs where, set vs update, remove,
// data types, serverDate. Each group cites the page of WeChat's documentation it follows.

const t = useConformanceCloud();

/** `db.serverDate({offset})`: the SDK's typings declare serverDate without its options. */
function serverDateIn(offset: number): unknown {
  return (t.db.serverDate as (options: { offset: number }) => unknown)({ offset });
}

describe('adding documents', () => {
  // 数据库 / Collection / Collection.add (returns the new record's _id)
  test('add stores the data and answers the _id it was stored under', async () => {
    const added = await sdkCall(t.items.add({ data: { description: 'learn cloud database', done: false, progress: 20 } }));
    expect(added.errMsg).toBe('collection.add:ok');
    expect(t.stored(added._id as string)).toEqual({ _id: added._id, description: 'learn cloud database', done: false, progress: 20 });
  });

  // 数据库 / Collection / Collection.add: "如果传入的记录对象没有 _id 字段，则由后台自动生成 _id". Its
  // format is not documented (the real database answers 32 hex characters); only a non-empty,
  // unique string is asserted.
  test('add without _id generates a distinct non-empty string _id per document', async () => {
    const added = await Promise.all(Array.from({ length: 20 }, (_unused, i) => sdkCall(t.items.add({ data: { i } }))));
    const generated = added.map((result) => result._id);
    for (const id of generated) {
      expect(typeof id).toBe('string');
      expect((id as string).length).toBeGreaterThan(0);
    }
    expect(new Set(generated).size).toBe(20);
  });

  // 数据库 / Collection / Collection.add: data may carry its own _id ("可选自定义 _id")
  test('add with an _id of our own keeps it', async () => {
    const added = await sdkCall(t.items.add({ data: { _id: 'todo-identifiant-aleatoire', done: false } }));
    expect(added._id).toBe('todo-identifiant-aleatoire');
    expect(t.stored('todo-identifiant-aleatoire')).toEqual({ _id: 'todo-identifiant-aleatoire', done: false });
  });

  // 数据库 / Collection / Collection.add: "若指定了 _id，则不能与已有记录冲突" — the add fails and
  // the stored record stays as it was. The exact code is
  // not documented (the backend's DATABASE_REQUEST_FAILED becomes -502001), so only the failure
  // and the SDK's errMsg prefix are asserted.
  test('add under an _id that exists fails and keeps the stored document', async () => {
    t.seed([{ _id: 'k', owner: 'first' }]);
    const error = await failure(t.items.add({ data: { _id: 'k', owner: 'second' } }));
    expect(error.errMsg).toMatch(/^collection\.add:fail /);
    expect(t.stored('k')).toEqual({ _id: 'k', owner: 'first' });
  });
});

describe('doc(id) and where', () => {
  // 数据库 / Document / Document.get: the record itself (an object, not a list)
  test('doc(id).get answers the record as data', async () => {
    t.seed([
      { _id: 'k', n: 1 },
      { _id: 'other', n: 2 },
    ]);
    const result = await sdkCall(t.items.doc('k').get());
    expect(result.data).toEqual({ _id: 'k', n: 1 });
    expect(result.errMsg).toBe('document.get:ok');
  });

  // 数据库 / Document / Document.get of an _id that does not exist: wx-server-sdk rejects
  test('doc(id).get of a missing _id fails', async () => {
    t.seed([{ _id: 'present', n: 1 }]);
    const error = await failure(t.items.doc('absent').get());
    expect(error.errMsg).toMatch(/^document\.get:fail /);
    expect(error.errMsg).toContain('document with _id absent does not exist');
  });

  // 数据库 / Collection / Collection.doc(id: string|number) and Collection.add (_id string/number)
  test('a numeric _id is kept as a number and addresses the record', async () => {
    const added = await sdkCall(t.items.add({ data: { _id: 7, n: 1 } }));
    expect(added._id).toBe(7);
    expect((await sdkCall(t.items.doc(7).get())).data).toEqual({ _id: 7, n: 1 });
    expect((await sdkCall(t.items.doc(7).update({ data: { n: 2 } }))).stats.updated).toBe(1);
    expect(t.stored(7)).toEqual({ _id: 7, n: 2 });
  });

  // 数据库 / Collection / Collection.where + get: a list, empty when nothing matches
  test('where(...).get answers a list, empty when nothing matches', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const found = await sdkCall(t.items.where({ _id: 'k' }).get());
    expect(found.data).toEqual([{ _id: 'k', n: 1 }]);
    expect(found.errMsg).toBe('collection.get:ok');
    expect((await sdkCall(t.items.where({ _id: 'absent' }).get())).data).toEqual([]);
  });

  // 数据库 / Document / Document.update (stats.updated counts the records updated): nothing matches → 0
  test('doc(id).update of a missing _id updates 0 and creates nothing', async () => {
    const result = await sdkCall(t.items.doc('absent').update({ data: { n: 1 } }));
    expect(result.stats.updated).toBe(0);
    expect(t.admin.count('conformance')).toBe(0);
  });

  // 数据库 / Query / Query.update and Query.remove: no match → 0 updated / 0 removed
  test('where.update and where.remove with no match count 0 and change nothing', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const updated = await sdkCall(t.items.where({ n: 2 }).update({ data: { n: 3 } }));
    const removed = await sdkCall(t.items.where({ n: 2 }).remove());
    expect(updated?.stats.updated).toBe(0);
    expect(removed?.stats.removed).toBe(0);
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1 });
  });

  // 数据库 / Document / Document.remove and Query.remove (stats.removed counts the records removed)
  test('doc.remove removes one record; where.remove removes every match', async () => {
    t.seed([
      { _id: 'a', done: true },
      { _id: 'b', done: true },
      { _id: 'c', done: false },
      { _id: 'd', done: false },
    ]);
    expect((await sdkCall(t.items.doc('c').remove())).stats.removed).toBe(1);
    expect((await sdkCall(t.items.doc('c').remove())).stats.removed).toBe(0);
    const removed = await sdkCall(t.items.where({ done: true }).remove());
    expect(removed?.stats.removed).toBe(2);
    expect(t.admin.find('conformance')).toEqual([{ _id: 'd', done: false }]);
  });
});

describe('set versus update', () => {
  // 数据库 / Document / Document.set: "替换更新一条记录" — fields not in data are gone
  test('doc.set replaces the whole record and reports it updated', async () => {
    t.seed([{ _id: 'k', description: 'old', progress: 10, style: { color: 'red', size: 'l' } }]);
    const result = await sdkCall(t.items.doc('k').set({ data: { description: 'new', style: { color: 'blue' } } }));
    expect(result.stats).toEqual({ updated: 1, created: 0 });
    expect(result._id).toBe('k');
    expect(t.stored('k')).toEqual({ _id: 'k', description: 'new', style: { color: 'blue' } });
  });

  // 数据库 / Document / Document.set, stats.updated: "若指定的 _id 已存在则为 1，否则为 0" — also
  // when the new record equals the old one
  test('doc.set of an existing _id reports updated 1 even when the record is unchanged', async () => {
    t.seed([{ _id: 'k', n: 1, tags: ['a'] }]);
    const result = await sdkCall(t.items.doc('k').set({ data: { n: 1, tags: ['a'] } }));
    expect(result.stats).toEqual({ updated: 1, created: 0 });
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1, tags: ['a'] });
  });

  // 数据库 / Document / Document.set, stats.created: "若指定的 _id 已存在则为 0，否则为 1"
  test('doc.set of a missing _id creates the record', async () => {
    const result = await sdkCall(t.items.doc('fresh').set({ data: { n: 1 } }));
    expect(result.stats).toEqual({ updated: 0, created: 1 });
    expect(result._id).toBe('fresh');
    expect(t.stored('fresh')).toEqual({ _id: 'fresh', n: 1 });
  });

  // 数据库 / Document / Document.update: a partial update — other fields stay
  test('doc.update changes only the given fields and keeps the others', async () => {
    t.seed([{ _id: 'k', description: 'old', progress: 10, done: false }]);
    const result = await sdkCall(t.items.doc('k').update({ data: { done: true } }));
    expect(result.stats.updated).toBe(1);
    expect(result.errMsg).toBe('document.update:ok');
    expect(t.stored('k')).toEqual({ _id: 'k', description: 'old', progress: 10, done: true });
  });

  // 数据库 / Document / Document.set takes a record, not update operators: wx-server-sdk refuses
  // an operator in set data before anything is sent
  test('doc.set with an update operator in its data is refused and changes nothing', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const error = await failure(t.items.doc('k').set({ data: { n: t.db.command.inc(1) } }));
    expect(error.errMsg).toMatch(/^document\.set:fail /);
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1 });
  });
});

describe('data types', () => {
  // 数据库 / 数据库指引 / 数据类型: String, Number, Object, Array, Bool, Null, Date
  test('every documented type round-trips through add and get', async () => {
    const when = new Date(Date.UTC(2025, 5, 1, 12, 30, 15, 250));
    const data = {
      s: 'text',
      int: 42,
      float: 0.25,
      negative: -7,
      yes: true,
      no: false,
      nothing: null,
      list: [1, 'two', { three: 3 }],
      object: { nested: { deep: [true] } },
      when,
    };
    const added = await sdkCall(t.items.add({ data }));
    const got = await sdkCall(t.items.doc(added._id).get());
    expect(got.data).toEqual({ _id: added._id, ...data });
  });

  // 数据库 / Document / Document.set 示例代码 (location: new db.Geo.Point(113, 23)) and 数据类型 / GeoPoint
  test('a Geo.Point is stored and comes back as a point with its longitude and latitude', async () => {
    const Point = t.db.Geo.Point as unknown as new (longitude: number, latitude: number) => object;
    await sdkCall(t.items.doc('todo-identifiant-aleatoire').set({ data: { description: 'learn cloud database', location: new Point(113, 23) } }));
    const got = await sdkCall(t.items.doc('todo-identifiant-aleatoire').get());
    expect((got.data as Doc).location).toMatchObject({ longitude: 113, latitude: 23 });
  });

  // 数据库 / 数据库指引 / 数据类型 / Date: Date objects come back as Date objects, to the millisecond
  test('a Date comes back as a Date with the same instant, and compares in queries', async () => {
    const when = new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    t.seed([
      { _id: 'before', at: new Date(when.getTime() - 1) },
      { _id: 'at', at: when },
    ]);
    const got = await sdkCall(t.items.doc('at').get());
    const at = (got.data as Doc).at;
    expect(at).toBeInstanceOf(Date);
    expect((at as Date).getTime()).toBe(when.getTime());
    const later = await sdkCall(t.items.where({ at: t.db.command.gte(when) }).get());
    expect(later.data.map((doc: Doc) => doc._id)).toEqual(['at']);
  });

  // 数据库 / Database / Database.serverDate: "构造一个服务端时间的引用。可用于查询条件、更新字段值
  // 或新增记录时的字段值" — the backend's clock, not the caller's
  test('serverDate() stores the server time when adding and updating', async () => {
    const start = t.env.clock.now();
    const added = await sdkCall(t.items.add({ data: { createdAt: t.db.serverDate() } }));
    expect(t.stored(added._id as string)?.createdAt).toEqual(new Date(start));
    t.env.clock.advance(90_000);
    await sdkCall(t.items.doc(added._id).update({ data: { updatedAt: t.db.serverDate() } }));
    expect(t.stored(added._id as string)).toEqual({ _id: added._id, createdAt: new Date(start), updatedAt: new Date(start + 90_000) });
  });

  // 数据库 / Database / Database.serverDate options.offset: "引用的服务端时间偏移量，毫秒为单位，可以是正数或负数"
  test('serverDate({offset}) is the server time moved by offset milliseconds', async () => {
    const now = t.env.clock.now();
    const added = await sdkCall(t.items.add({ data: { inAnHour: serverDateIn(60 * 60 * 1000), aMinuteAgo: serverDateIn(-60_000) } }));
    expect(t.stored(added._id as string)).toEqual({ _id: added._id, inAnHour: new Date(now + 3_600_000), aMinuteAgo: new Date(now - 60_000) });
  });

  // 数据库 / Database / Database.serverDate in a query condition
  test('serverDate() in a query compares with the server time at the moment of the query', async () => {
    const now = t.env.clock.now();
    t.seed([
      { _id: 'soon', due: new Date(now + 30_000) },
      { _id: 'past', due: new Date(now - 1) },
    ]);
    const overdue = () => sdkCall(t.items.where({ due: t.db.command.lt(t.db.serverDate()) }).get());
    expect((await overdue()).data.map((doc: Doc) => doc._id)).toEqual(['past']);
    t.env.clock.advance(31_000);
    expect((await overdue()).data.map((doc: Doc) => doc._id).sort()).toEqual(['past', 'soon']);
  });
});
