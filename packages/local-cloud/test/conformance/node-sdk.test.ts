import tcb from '@cloudbase/node-sdk';
import { ObjectId } from 'bson';
import { COLLECTION, ENV_A, useConformanceCloud } from './support/conformance-cloud';
import { ENV_B } from '../support/sdk-cloud';

// @cloudbase/node-sdk 3.x (what wx-server-sdk wraps, and what CloudBase's Node users call directly)
// as a second client of the local cloud: a conformance subset, including what wx-server-sdk does
// not expose. Expected results: CloudBase's node-sdk docs (数据库 / Query.updateAndReturn,
// runTransaction) and the SDK's own code (@cloudbase/database 1.4.3 query.js, transaction/index.js).

const t = useConformanceCloud();

type NodeDb = ReturnType<ReturnType<typeof tcb.init>['database']>;
const db = (): NodeDb => tcb.init({ env: ENV_A }).database();
const items = () => db().collection(COLLECTION);

/** node-sdk throws TcbError with the backend's string `code`. */
async function refusal(call: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await call;
  } catch (error: unknown) {
    const fields = error as { code?: unknown; message?: unknown };
    return { ...(typeof fields.code === 'string' ? { code: fields.code } : {}), message: String(fields.message) };
  }
  throw new Error('expected the call to fail');
}

beforeEach(() =>
  t.seed([
    { _id: 'a', n: 1, group: 'x' },
    { _id: 'b', n: 2, group: 'x' },
    { _id: 'c', n: 3, group: 'y' },
  ]),
);

describe('documents through node-sdk', () => {
  test('add, doc().get, where().update of several, remove, count', async () => {
    const _ = db().command;
    const added = (await items().add({ _id: 'd', n: 4, group: 'y' })) as { id?: string };
    expect(added.id).toBe('d');
    const got = (await items().doc('d').get()) as { data: unknown[] };
    expect(got.data).toEqual([{ _id: 'd', n: 4, group: 'y' }]);
    const updated = (await items()
      .where({ group: 'x' })
      .update({ n: _.inc(10) })) as { updated: number };
    expect(updated.updated).toBe(2);
    expect(t.stored('b')).toEqual({ _id: 'b', n: 12, group: 'x' });
    const removed = (await items().where({ group: 'y' }).remove()) as { deleted: number };
    expect(removed.deleted).toBe(2);
    expect(((await items().count()) as { total: number }).total).toBe(2);
  });

  test('a missing collection answers DATABASE_COLLECTION_NOT_EXIST', async () => {
    const error = await refusal(db().collection('nope').where({}).get() as Promise<unknown>);
    expect(`${error.code} ${error.message}`).toMatch(/DATABASE_COLLECTION_NOT_EXIST/);
  });
});

describe('Query.updateAndReturn (database.modifyAndReturnDoc)', () => {
  test('updates the first matching document and answers its new version', async () => {
    const _ = db().command;
    const result = (await (items().where({ _id: 'b' }) as unknown as { updateAndReturn(data: object): Promise<unknown> }).updateAndReturn({
      n: _.inc(5),
    })) as { updated: number; doc: unknown };
    expect(result).toMatchObject({ updated: 1, doc: { _id: 'b', n: 7, group: 'x' } });
    expect(t.stored('b')).toEqual({ _id: 'b', n: 7, group: 'x' });
  });

  test('a query matching nothing updates nothing and answers no document', async () => {
    const result = (await (items().where({ _id: 'none' }) as unknown as { updateAndReturn(data: object): Promise<unknown> }).updateAndReturn({
      n: 0,
    })) as { updated: number; doc?: unknown };
    expect(result.updated).toBe(0);
    expect(result.doc).toBeUndefined();
  });
});

describe('transactions through node-sdk', () => {
  // node-sdk keeps the backend's code on a write-time conflict, so runTransaction re-runs the callback
  // (transaction/index.js: `error.code === DATABASE_TRANSACTION_CONFLICT` → retry, `times` 3 by default).
  test('a write conflicting with another open transaction re-runs the callback', async () => {
    const _ = db().command;
    const blocker = await db().startTransaction();
    await blocker
      .collection(COLLECTION)
      .doc('a')
      .update({ n: _.inc(100) });
    let attempts = 0;
    await db().runTransaction(async (transaction: Awaited<ReturnType<NodeDb['startTransaction']>>) => {
      attempts += 1;
      if (attempts === 2) await blocker.rollback();
      await transaction
        .collection(COLLECTION)
        .doc('a')
        .update({ n: _.inc(1) });
    });
    expect(attempts).toBe(2);
    expect(t.stored('a')).toEqual({ _id: 'a', n: 2, group: 'x' });
  });

  test('a transaction used after commit: DATABASE_TRANSACTION_FAIL', async () => {
    const transaction = await db().startTransaction();
    await transaction.collection(COLLECTION).doc('a').get();
    await transaction.commit();
    const error = await refusal(transaction.collection(COLLECTION).doc('a').get() as Promise<unknown>);
    expect(`${error.code} ${error.message}`).toMatch(/DATABASE_TRANSACTION_FAIL|TransactionNotExist/);
  });
});

interface GeoClasses {
  Point: new (longitude: number, latitude: number) => object;
  LineString: new (points: object[]) => object;
  Polygon: new (lines: object[]) => object;
}

describe('geo through node-sdk', () => {
  test('geoWithin a polygon', async () => {
    const database = db();
    // The typings name only Point; the SDK has every GeoJSON type (@cloudbase/database geo/).
    const g = database.Geo as unknown as GeoClasses;
    await items().add({ _id: 'gz', at: new g.Point(113.2644, 23.1291) });
    await items().add({ _id: 'bj', at: new g.Point(116.3975, 39.9087) });
    const ring = new g.LineString([new g.Point(112, 22), new g.Point(115, 22), new g.Point(115, 24), new g.Point(112, 24), new g.Point(112, 22)]);
    const found = (await items()
      .where({ at: database.command.geoWithin({ geometry: new g.Polygon([ring]) }) })
      .get()) as { data: Array<{ _id: string }> };
    expect(found.data.map((doc) => doc._id)).toEqual(['gz']);
  });
});

// app.getFileAuthority (@cloudbase/node-sdk 3.17.2 storage/index.ts: action storage.getFileAuthority,
// {openId, uid, loginType, fileList: [{path, type}]} → data [{path, cosFileId, read}]): what the
// user the function runs for may do with each file, under the bucket's permission. The modes as
// WeChat's storage permission page defines them (READONLY: everyone reads, the uploader writes;
// PRIVATE: only the uploader; ADMINWRITE: everyone reads, no user writes; ADMINONLY: no user).
describe('getFileAuthority (node-sdk only)', () => {
  type Authority = { data: Array<{ path: string; cosFileId: string; read: boolean; write: boolean }> };
  const saved: Record<string, string | undefined> = {};
  const asUser = (openid: string): void => {
    for (const key of ['WX_CONTEXT_KEYS', 'WX_OPENID']) saved[key] = process.env[key];
    process.env.WX_CONTEXT_KEYS = 'WX_OPENID';
    process.env.WX_OPENID = openid;
  };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    t.env.cloud.permissions.setStorage(ENV_A, 'READONLY');
    t.env.cloud.storage.clear(ENV_A);
  });
  const authority = (fileList: Array<{ path: string; type: string }>): Promise<Authority> =>
    (tcb.init({ env: ENV_A }) as unknown as { getFileAuthority(o: object): Promise<Authority> }).getFileAuthority({ fileList });

  test("answers, per file, what the function's user may do under the bucket's mode", async () => {
    const { storage, permissions } = t.env.cloud;
    const mine = storage.write(ENV_A, 'avatars/alice.png', Buffer.from('a'), 'image/png', 'o-alice');
    const theirs = storage.write(ENV_A, 'avatars/bob.png', Buffer.from('b'), 'image/png', 'o-bob');
    asUser('o-alice');
    const ask = [
      { path: mine, type: 'READWRITE' },
      { path: theirs, type: 'READWRITE' },
      { path: 'avatars/new.png', type: 'WRITE' },
    ];
    const readonly = await authority(ask);
    expect(readonly.data.map(({ read, write }) => ({ read, write }))).toEqual([
      { read: true, write: true },
      { read: true, write: false },
      { read: true, write: true },
    ]);
    expect(readonly.data[0]).toMatchObject({ path: mine, cosFileId: 'avatars/alice.png' });
    permissions.setStorage(ENV_A, 'PRIVATE');
    expect((await authority(ask)).data.map(({ read, write }) => ({ read, write }))).toEqual([
      { read: true, write: true },
      { read: false, write: false },
      { read: true, write: true },
    ]);
    permissions.setStorage(ENV_A, 'ADMINONLY');
    expect((await authority(ask)).data.map(({ read, write }) => ({ read, write }))).toEqual([
      { read: false, write: false },
      { read: false, write: false },
      { read: false, write: false },
    ]);
  });

  test('without a user in context node-sdk refuses the call; a fileID of another environment is INVALID_PARAM', async () => {
    const error = await refusal(authority([{ path: 'a.png', type: 'READ' }]));
    expect(error.message).toMatch(/admin do not need/);
    asUser('o-alice');
    const foreign = await refusal(authority([{ path: t.env.cloud.storage.fileId(ENV_B, 'x.png'), type: 'READ' }]));
    expect(`${foreign.code} ${foreign.message}`).toMatch(/INVALID_PARAM.*belongs to environment/s);
  });
});

// ObjectId as `_id` (@cloudbase/database 1.4.3 ObjectId: `db.ObjectId({id: '<24 hex>'})`, sent as
// EJSON `{"$oid": …}`; its `doc()` takes only a string or a number, so such a document is reached
// with where({_id}). MongoDB manual: "_id Field" — any BSON type but an array; ObjectId('…') and the
// string of the same hex are different values; a duplicate is E11000.
describe('ObjectId as _id (node-sdk only)', () => {
  const HEX = '5f1f2c3d4e5f60718293a4b5';
  type WithObjectId = NodeDb & { ObjectId: new (options: { id: string }) => object };
  const oid = (): object => new (db() as WithObjectId).ObjectId({ id: HEX });

  test('add, where({_id}).get / update / remove; the string with the same hex is another document', async () => {
    const added = (await items().add({ _id: oid(), n: 7 })) as { id?: unknown };
    expect(added.id).toBe(HEX);
    await items().add({ _id: HEX, n: 8 });
    const found = (await items().where({ _id: oid() }).get()) as { data: Array<{ _id: unknown; n: number }> };
    expect(found.data).toHaveLength(1);
    expect(found.data[0]?.n).toBe(7);
    // The backend answers `{"$oid": hex}`; node-sdk then turns bson's ObjectId into {} (@cloudbase/database 1.4.3
    // util.js formatField copies an object's own keys, and bson 4's ObjectId has none) — the SDK's doing, not ours.
    expect(found.data[0]?._id).toEqual({});
    const stored = t.admin.find(COLLECTION).find((doc) => doc._id instanceof ObjectId);
    expect((stored?._id as ObjectId).toHexString()).toBe(HEX);
    const updated = (await items().where({ _id: oid() }).update({ n: 70 })) as { updated: number };
    expect(updated.updated).toBe(1);
    expect(t.stored(HEX)).toMatchObject({ _id: HEX, n: 8 });
    const removed = (await items().where({ _id: oid() }).remove()) as { deleted: number };
    expect(removed.deleted).toBe(1);
    expect(((await items().where({ _id: oid() }).count()) as { total: number }).total).toBe(0);
    expect(t.stored(HEX)).toMatchObject({ n: 8 });
  });

  test('a second document with the same ObjectId is a duplicate key', async () => {
    await items().add({ _id: oid(), n: 1 });
    const error = await refusal(items().add({ _id: oid(), n: 2 }) as Promise<unknown>);
    expect(`${error.code} ${error.message}`).toMatch(/DATABASE_REQUEST_FAILED.*duplicate key.*ObjectId\('5f1f2c3d4e5f60718293a4b5'\)/s);
  });

  test('in a transaction: written, then read back by where({_id}) after commit', async () => {
    await db().runTransaction(async (transaction: Awaited<ReturnType<NodeDb['startTransaction']>>) => {
      await transaction.collection(COLLECTION).add({ _id: oid(), n: 5 });
    });
    const found = (await items().where({ _id: oid() }).get()) as { data: Array<{ n: number }> };
    expect(found.data.map((doc) => doc.n)).toEqual([5]);
  });
});
