import * as cloud from 'wx-server-sdk';
import { COLLECTION, failure, sdkCall, useConformanceCloud } from './support/conformance-cloud';

// Collections and the errors the real wx-server-sdk reports. Pages: 云开发 / SDK 文档 / 数据库 /
// Database.createCollection, Cloud.database (throwOnNotFound), Document.get, and 错误码
// (-502005 "database collection not exists").

const t = useConformanceCloud();

describe('createCollection', () => {
  // Database.createCollection: resolves with an object holding errMsg
  test('createCollection makes an empty collection that can be used at once', async () => {
    const created = await t.db.createCollection('todos');
    expect(created.errMsg).toBe('createCollection:ok');
    expect((await sdkCall(t.db.collection('todos').count())).total).toBe(0);
    await sdkCall(t.db.collection('todos').add({ data: { n: 1 } }));
    expect((await sdkCall(t.db.collection('todos').count())).total).toBe(1);
  });

  // Database.createCollection: "创建集合，如果集合已经存在会创建失败"
  test('createCollection of an existing collection fails and keeps its documents', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const error = await failure(t.db.createCollection(COLLECTION));
    expect(error.errMsg).toMatch(/^createCollection:fail /);
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1 });
  });
});

describe('a collection that does not exist', () => {
  // 错误码: -502005 database collection not exists, as collection.get:fail -502005 ...
  test('get fails with errCode -502005 and the SDK’s "collection not exists" message', async () => {
    const error = await failure(t.db.collection('missing').get());
    expect(error.errCode).toBe(-502005);
    expect(error.errMsg).toMatch(/^collection\.get:fail -502005 database collection not exists/);
  });

  // 错误码 -502005 for every kind of call on a missing collection; nothing is created by them
  test('add, doc.get, set, update, remove and count fail with -502005 too', async () => {
    const missing = t.db.collection('missing');
    const calls: Array<[string, Promise<unknown> | void | string]> = [
      ['collection.add', missing.add({ data: { n: 1 } })],
      ['document.get', missing.doc('x').get()],
      ['document.update', missing.doc('x').update({ data: { n: 1 } })],
      ['document.set', missing.doc('x').set({ data: { n: 1 } })],
      ['document.remove', missing.doc('x').remove()],
      ['collection.update', missing.where({ n: 1 }).update({ data: { n: 2 } })],
      ['collection.remove', missing.where({ n: 1 }).remove()],
      ['collection.count', missing.count()],
    ];
    for (const [api, call] of calls) {
      const error = await failure(call);
      expect({ api, errCode: error.errCode }).toEqual({ api, errCode: -502005 });
      expect(error.errMsg).toContain(`${api}:fail -502005 database collection not exists`);
    }
    expect(t.admin.hasCollection('missing')).toBe(false);
  });

  // aggregate().end() takes another path in wx-server-sdk 4.0.2: @cloudbase/node-sdk throws the
  // backend's refusal before wx-server-sdk maps its code, so the caller gets errCode -1 and the
  // backend's string code in `code` (what the real backend's answer would give too).
  test('aggregate on a missing collection fails with the DATABASE_COLLECTION_NOT_EXIST code', async () => {
    const error = await failure(t.db.collection('missing').aggregate().match({}).end());
    expect(error.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(error.errMsg).toMatch(/^collection\.aggregate:fail /);
  });
});

describe('errors the SDK reports for records', () => {
  // Document.get 注意事项: "默认情况下，如果获取不到记录，方法会抛出异常"; Cloud.database
  // throwOnNotFound: "如果不抛出异常，doc.get 返回空"
  test('doc.get of a missing record throws by default and answers empty data with throwOnNotFound false', async () => {
    t.seed([{ _id: 'present', n: 1 }]);
    await failure(t.items.doc('absent').get());
    const lenient = cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]);
    const result = await sdkCall(lenient.collection(COLLECTION).doc('absent').get());
    expect(result.data).toBeNull();
    const found = await sdkCall(lenient.collection(COLLECTION).doc('present').get());
    expect(found.data).toEqual({ _id: 'present', n: 1 });
  });

  // Document.update / Document.set take new field values; _id cannot be changed (the SDK refuses
  // data with an _id before sending anything)
  test('update data holding _id is refused and the record keeps its _id', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const error = await failure(t.items.doc('k').update({ data: { _id: 'other', n: 2 } }));
    expect(error.errMsg).toMatch(/^document\.update:fail /);
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1 });
    expect(t.stored('other')).toBeUndefined();
  });

  // Document.set is a replacement record, not update operators: the SDK refuses the operator
  test('doc.set with an update operator is refused with the SDK’s message', async () => {
    t.seed([{ _id: 'k', n: 1 }]);
    const error = await failure(t.items.doc('k').set({ data: { n: t.db.command.inc(1), nested: { m: 2 } } }));
    expect(error.errMsg).toMatch(/^document\.set:fail .*update operator complicit/);
    expect(t.stored('k')).toEqual({ _id: 'k', n: 1 });
  });

  // Errors carry WeChat's numeric errCode and an errMsg of the form "<api>:fail <code> ..."
  test('a duplicate _id add fails with a numeric errCode and the api name in errMsg', async () => {
    t.seed([{ _id: 'k' }]);
    const error = await failure(t.items.add({ data: { _id: 'k' } }));
    expect(typeof error.errCode).toBe('number');
    expect(error.errCode).not.toBe(0);
    expect(error.errMsg).toMatch(new RegExp(`^collection\\.add:fail ${String(error.errCode)} `));
    expect(t.admin.find(COLLECTION)).toEqual([{ _id: 'k' }]);
  });
});

describe('geo queries (evaluated since issue 14; see geo.test.ts)', () => {
  // MongoDB manual: $nearSphere — documents whose field holds no geometry are not matched
  test('geoNear skips documents whose field holds no geometry, and answers the others', async () => {
    const db = cloud.database();
    await db.createCollection('places').catch(() => undefined);
    t.admin.indexes.declare({ places: { loc: '2dsphere' } }); // geoNear needs it (geo.test.ts)
    await db.collection('places').add({ data: { _id: 'here', loc: db.Geo.Point(113.3, 23.1) } });
    await db.collection('places').add({ data: { _id: 'text', loc: 'not a point' } });
    const near = await sdkCall(
      db
        .collection('places')
        .where({ loc: db.command.geoNear({ geometry: db.Geo.Point(113.3, 23.1), maxDistance: 1000 }) })
        .get(),
    );
    expect(near.data.map((doc) => doc._id)).toEqual(['here']);
  });
});
