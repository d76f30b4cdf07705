import * as cloud from 'wx-server-sdk';
import { startSdkCloud, sdkCall, ENV_A, ENV_B, type SdkCloud } from './support/sdk-cloud';

// The real wx-server-sdk, required in this process, against the local cloud's backend.

let env: SdkCloud;

beforeAll(async () => {
  env = await startSdkCloud();
  // The SDK's typings leave the symbol out of `env`; at run time it resolves to TCB_ENV (ENV_A).
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
});

afterAll(() => env.stop());

beforeEach(() => {
  const admin = env.cloud.backend.database(ENV_A);
  admin.clear();
  admin.createCollection('todos');
  env.cloud.backend.database(ENV_B).clear();
});

const db = () => cloud.database();
const todos = () => db().collection('todos');
/** `db.serverDate({offset})`, which the SDK's typings declare without its options. */
const serverDateIn = (offset: number): unknown => (db().serverDate as (options: { offset: number }) => unknown)({ offset });

function seed(docs: Array<Record<string, unknown>>): void {
  env.cloud.backend.database(ENV_A).insert('todos', docs);
}

function stored(id: string): Record<string, unknown> | undefined {
  return env.cloud.backend.database(ENV_A).find('todos', { _id: id })[0];
}

describe('add and get', () => {
  test('add stores the document under a generated _id that get returns', async () => {
    const added = await sdkCall(todos().add({ data: { title: 'write tests', done: false, n: 3, ratio: 0.5, tags: ['a', 'b'] } }));
    expect(added._id).toMatch(/^[0-9a-f]{32}$/);
    expect(stored(added._id as string)).toEqual({ _id: added._id, title: 'write tests', done: false, n: 3, ratio: 0.5, tags: ['a', 'b'] });

    const byDoc = await sdkCall(todos().doc(added._id).get());
    expect(byDoc.data).toEqual({ _id: added._id, title: 'write tests', done: false, n: 3, ratio: 0.5, tags: ['a', 'b'] });
    const all = await sdkCall(todos().get());
    expect(all.data).toEqual([byDoc.data]);
  });

  test('two adds get different ids; an explicit _id is kept', async () => {
    const first = await sdkCall(todos().add({ data: { n: 1 } }));
    const second = await sdkCall(todos().add({ data: { n: 2 } }));
    const third = await sdkCall(todos().add({ data: { _id: 'mine', n: 3 } }));
    expect(first._id).not.toBe(second._id);
    expect(third._id).toBe('mine');
    expect(env.cloud.backend.database(ENV_A).count('todos')).toBe(3);
  });

  test('dates round-trip as Date objects', async () => {
    const when = new Date(Date.UTC(2025, 5, 1, 12, 30));
    const added = await sdkCall(todos().add({ data: { when } }));
    const got = await sdkCall(todos().doc(added._id).get());
    expect(got.data.when).toBeInstanceOf(Date);
    expect((got.data.when as Date).getTime()).toBe(when.getTime());
  });

  test('doc.get of a missing id throws', async () => {
    seed([{ _id: 'present', n: 1 }]);
    await expect(sdkCall(todos().doc('absent').get())).rejects.toThrow(/document with _id absent does not exist/);
  });

  test('inserting an existing _id is refused and keeps the stored document', async () => {
    seed([{ _id: 'k', owner: 'first' }]);
    const attempt = sdkCall(todos().add({ data: { _id: 'k', owner: 'second' } }));
    await expect(attempt).rejects.toThrow(/-502001.*E11000 duplicate key/);
    expect(stored('k')).toEqual({ _id: 'k', owner: 'first' });
  });
});

describe('queries', () => {
  beforeEach(() => {
    seed([
      { _id: 'a', n: 1, kind: 'x', tags: ['red'] },
      { _id: 'b', n: 2, kind: 'y' },
      { _id: 'c', n: 3, kind: 'x', tags: [] },
      { _id: 'd', n: 4, kind: 'z', nested: { level: 7 } },
      { _id: 'e', n: 5, kind: 'y' },
    ]);
  });

  const ids = (docs: Array<{ _id?: unknown }>) => docs.map((d) => d._id);

  test('comparison operators', async () => {
    const _ = db().command;
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ n: _.gt(3) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['d', 'e']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ n: _.lte(2) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['a', 'b']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ n: _.gte(2).and(_.lt(4)) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['b', 'c']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ kind: _.neq('x') })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['b', 'd', 'e']);
    expect(ids((await sdkCall(todos().where({ kind: 'x', n: 3 }).get())).data)).toEqual(['c']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ nested: { level: _.eq(7) } })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['d']);
  });

  test('_.in, _.nin, _.exists, _.or and regular expressions', async () => {
    const _ = db().command;
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ kind: _.in(['y', 'z']) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['b', 'd', 'e']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ kind: _.nin(['y', 'z']) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['a', 'c']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ tags: _.exists(true) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['a', 'c']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ tags: _.exists(false) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['b', 'd', 'e']);
    const either = _.or([{ n: _.lt(2) }, { kind: 'z' }]);
    expect(ids((await sdkCall(todos().where(either).get())).data)).toEqual(['a', 'd']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ kind: /^[XZ]$/i })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['a', 'c', 'd']);
  });

  test('array operators: _.all, _.elemMatch, _.size', async () => {
    seed([
      {
        _id: 'p',
        items: [
          { sku: 'x', qty: 2 },
          { sku: 'y', qty: 9 },
        ],
        labels: ['hot', 'new'],
      },
      { _id: 'q', items: [{ sku: 'x', qty: 1 }], labels: ['hot'] },
    ]);
    const _ = db().command;
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ labels: _.all(['hot', 'new']) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['p']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ items: _.elemMatch({ sku: 'x', qty: _.gte(2) }) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['p']);
    expect(
      ids(
        (
          await sdkCall(
            todos()
              .where({ labels: _.size(1) })
              .get(),
          )
        ).data,
      ),
    ).toEqual(['q']);
  });

  test('orderBy, skip and limit', async () => {
    const page = await sdkCall(todos().orderBy('n', 'desc').skip(1).limit(2).get());
    expect(ids(page.data)).toEqual(['d', 'c']);
    const byTwoKeys = await sdkCall(todos().orderBy('kind', 'asc').orderBy('n', 'desc').get());
    expect(ids(byTwoKeys.data)).toEqual(['c', 'a', 'e', 'b', 'd']);
  });

  test('field projection', async () => {
    const result = await sdkCall(todos().where({ _id: 'a' }).field({ n: true }).get());
    expect(result.data).toEqual([{ _id: 'a', n: 1 }]);
    const excluded = await sdkCall(todos().doc('d').field({ nested: false, kind: false }).get());
    expect(excluded.data).toEqual({ _id: 'd', n: 4 });
  });

  test('count', async () => {
    const _ = db().command;
    expect((await sdkCall(todos().count())).total).toBe(5);
    expect((await sdkCall(todos().where({ kind: 'y' }).count())).total).toBe(2);
    expect(
      (
        await sdkCall(
          todos()
            .where({ n: _.gt(10) })
            .count(),
        )
      ).total,
    ).toBe(0);
  });

  test('get returns 100 documents by default', async () => {
    seed(Array.from({ length: 120 }, (_unused, i) => ({ _id: `bulk-${i}`, n: 100 + i })));
    expect((await sdkCall(todos().get())).data).toHaveLength(100);
    expect((await sdkCall(todos().limit(1000).get())).data).toHaveLength(125);
  });
});

describe('writes', () => {
  test('doc.set replaces the whole document', async () => {
    seed([{ _id: 'k', a: 1, b: 2 }]);
    const result = await sdkCall(
      todos()
        .doc('k')
        .set({ data: { c: 3 } }),
    );
    expect(result.stats).toEqual({ updated: 1, created: 0 });
    expect(stored('k')).toEqual({ _id: 'k', c: 3 });
  });

  test('doc.set of a missing id creates it (upsert)', async () => {
    const result = await sdkCall(
      todos()
        .doc('fresh')
        .set({ data: { c: 3 } }),
    );
    expect(result._id).toBe('fresh');
    expect(result.stats).toEqual({ updated: 0, created: 1 });
    expect(stored('fresh')).toEqual({ _id: 'fresh', c: 3 });
  });

  test('doc.update merges, with _.inc, _.push, _.set and _.remove', async () => {
    seed([{ _id: 'k', n: 1, tags: ['a'], profile: { name: 'x', age: 3 }, gone: true, keep: 'yes' }]);
    const _ = db().command;
    const result = await sdkCall(
      todos()
        .doc('k')
        .update({ data: { n: _.inc(2), tags: _.push(['b', 'c']), profile: _.set({ name: 'y' }), gone: _.remove(), added: { deep: 1 } } }),
    );
    expect(result.stats).toEqual({ updated: 1 });
    expect(stored('k')).toEqual({ _id: 'k', n: 3, tags: ['a', 'b', 'c'], profile: { name: 'y' }, keep: 'yes', added: { deep: 1 } });
  });

  test('doc.update with the other array and number operators', async () => {
    seed([{ _id: 'k', a: [1, 2, 3], b: [1, 2], c: ['x'], d: [5, 6, 7], e: [9], n: 4, low: 10, high: 10, old: 'v' }]);
    const _ = db().command;
    await sdkCall(
      todos()
        .doc('k')
        .update({
          data: {
            a: _.pull(2),
            b: _.pullAll([1, 2]),
            c: _.addToSet('x'),
            d: _.shift(),
            e: _.unshift([7, 8]),
            n: _.mul(3),
            low: _.min(3),
            high: _.max(30),
            old: _.rename('renamed'),
          },
        }),
    );
    expect(stored('k')).toEqual({ _id: 'k', a: [1, 3], b: [], c: ['x'], d: [6, 7], e: [7, 8, 9], n: 12, low: 3, high: 30, renamed: 'v' });
  });

  test('doc.update with a nested object sets only the named sub-fields', async () => {
    seed([{ _id: 'k', profile: { name: 'x', age: 3 } }]);
    await sdkCall(
      todos()
        .doc('k')
        .update({ data: { profile: { age: 4 } } }),
    );
    expect(stored('k')).toEqual({ _id: 'k', profile: { name: 'x', age: 4 } });
  });

  test('doc.update of a missing id updates nothing and creates nothing', async () => {
    const result = await sdkCall(
      todos()
        .doc('absent')
        .update({ data: { n: 1 } }),
    );
    expect(result.stats).toEqual({ updated: 0 });
    expect(env.cloud.backend.database(ENV_A).count('todos')).toBe(0);
  });

  test('where.update changes every match and reports how many', async () => {
    seed([
      { _id: 'a', kind: 'x', n: 1 },
      { _id: 'b', kind: 'x', n: 2 },
      { _id: 'c', kind: 'y', n: 3 },
    ]);
    const _ = db().command;
    const result = await sdkCall(
      todos()
        .where({ kind: 'x' })
        .update({ data: { n: _.mul(10), seen: true } }),
    );
    expect(result.stats.updated).toBe(2);
    expect(env.cloud.backend.database(ENV_A).find('todos', {}, { order: { _id: 1 } })).toEqual([
      { _id: 'a', kind: 'x', n: 10, seen: true },
      { _id: 'b', kind: 'x', n: 20, seen: true },
      { _id: 'c', kind: 'y', n: 3 },
    ]);
  });

  test('an update that changes nothing counts 0', async () => {
    seed([{ _id: 'k', n: 1 }]);
    const result = await sdkCall(
      todos()
        .doc('k')
        .update({ data: { n: 1 } }),
    );
    expect(result.stats.updated).toBe(0);
  });

  test('doc.remove and where.remove', async () => {
    seed([
      { _id: 'a', kind: 'x' },
      { _id: 'b', kind: 'x' },
      { _id: 'c', kind: 'y' },
    ]);
    expect((await sdkCall(todos().doc('c').remove())).stats.removed).toBe(1);
    expect((await sdkCall(todos().doc('c').remove())).stats.removed).toBe(0);
    expect((await sdkCall(todos().where({ kind: 'x' }).remove())).stats.removed).toBe(2);
    expect(env.cloud.backend.database(ENV_A).count('todos')).toBe(0);
  });

  test('db.serverDate() is the backend clock, in data and in queries', async () => {
    const start = env.clock.now();
    const added = await sdkCall(todos().add({ data: { createdAt: db().serverDate(), due: serverDateIn(60_000) } }));
    expect(stored(added._id as string)).toEqual({ _id: added._id, createdAt: new Date(start), due: new Date(start + 60_000) });

    const _ = db().command;
    expect(
      (
        await sdkCall(
          todos()
            .where({ due: _.lt(db().serverDate()) })
            .count(),
        )
      ).total,
    ).toBe(0);
    env.clock.advance(120_000);
    expect(
      (
        await sdkCall(
          todos()
            .where({ due: _.lt(db().serverDate()) })
            .count(),
        )
      ).total,
    ).toBe(1);
    await sdkCall(
      todos()
        .doc(added._id)
        .update({ data: { touchedAt: db().serverDate() } }),
    );
    expect(stored(added._id as string)?.touchedAt).toEqual(new Date(start + 120_000));
  });
});

describe('collections and environments', () => {
  test('a missing collection fails with -502005', async () => {
    await expect(sdkCall(db().collection('missing').get())).rejects.toThrow(/-502005/);
    await expect(
      sdkCall(
        db()
          .collection('missing')
          .add({ data: { n: 1 } }),
      ),
    ).rejects.toThrow(/-502005/);
    await expect(
      sdkCall(
        db()
          .collection('missing')
          .doc('x')
          .update({ data: { n: 1 } }),
      ),
    ).rejects.toThrow(/-502005/);
    await expect(sdkCall(db().collection('missing').count())).rejects.toThrow(/-502005/);
    expect(env.cloud.backend.database(ENV_A).hasCollection('missing')).toBe(false);
  });

  test('createCollection makes a usable collection; creating it again fails', async () => {
    const created = await db().createCollection('logs');
    expect(created.errMsg).toBe('createCollection:ok');
    expect(env.cloud.backend.database(ENV_A).listCollections()).toEqual(['logs', 'todos']);
    await sdkCall(
      db()
        .collection('logs')
        .add({ data: { line: 1 } }),
    );
    expect((await sdkCall(db().collection('logs').count())).total).toBe(1);
    await expect(db().createCollection('logs')).rejects.toThrow(/createCollection:fail .*Table exist/);
  });

  test('two environments are isolated', async () => {
    env.cloud.backend.database(ENV_B).createCollection('todos');
    const dbB = cloud.database({ env: ENV_B });
    await sdkCall(todos().add({ data: { _id: 'same', owner: 'A' } }));
    await sdkCall(dbB.collection('todos').add({ data: { _id: 'same', owner: 'B' } }));
    expect((await sdkCall(todos().doc('same').get())).data.owner).toBe('A');
    expect((await sdkCall(dbB.collection('todos').doc('same').get())).data.owner).toBe('B');
    await sdkCall(dbB.collection('todos').doc('same').remove());
    expect((await sdkCall(todos().count())).total).toBe(1);
    expect(env.cloud.backend.database(ENV_B).count('todos')).toBe(0);
  });

  test('a collection created in one environment does not exist in the other', async () => {
    const dbB = cloud.database({ env: ENV_B });
    await expect(sdkCall(dbB.collection('todos').get())).rejects.toThrow(/-502005/);
  });

  test('an unknown environment is refused', async () => {
    const elsewhere = cloud.database({ env: 'no-such-env' });
    await expect(sdkCall(elsewhere.collection('todos').get())).rejects.toThrow(/-501001.*env no-such-env does not exist/);
  });
});

describe('atomic conditional updates', () => {
  test('of concurrent claims on the same condition exactly one wins', async () => {
    seed([{ _id: 'k', n: 0 }]);
    const claims = Array.from({ length: 8 }, (_unused, i) =>
      sdkCall(
        todos()
          .where({ _id: 'k', n: 0 })
          .update({ data: { n: 1, winner: i } }),
      ),
    );
    const results = await Promise.all(claims);
    const updated = results.map((r) => r.stats.updated);
    expect(updated.filter((u) => u === 1)).toHaveLength(1);
    expect(updated.filter((u) => u === 0)).toHaveLength(7);
    const winner = updated.indexOf(1);
    expect(stored('k')).toEqual({ _id: 'k', n: 1, winner });
  });

  test('a lease claim succeeds only once the lease has expired', async () => {
    const _ = db().command;
    const now = env.clock.now();
    seed([{ _id: 'token', lease_until: new Date(now + 30_000) }]);
    const claim = () =>
      sdkCall(
        todos()
          .where({ _id: 'token', lease_until: _.lt(db().serverDate()) })
          .update({ data: { lease_until: serverDateIn(30_000) } }),
      );
    expect((await claim()).stats.updated).toBe(0);
    env.clock.advance(31_000);
    const [first, second] = await Promise.all([claim(), claim()]);
    expect([first.stats.updated, second.stats.updated].sort()).toEqual([0, 1]);
    expect(stored('token')?.lease_until).toEqual(new Date(now + 61_000));
  });
});

describe('aggregation and transactions', () => {
  test('aggregate with match, group and sort', async () => {
    seed([
      { _id: 'a', kind: 'x', n: 1 },
      { _id: 'b', kind: 'y', n: 2 },
      { _id: 'c', kind: 'x', n: 3 },
    ]);
    const $ = db().command.aggregate;
    const result = await sdkCall(
      todos()
        .aggregate()
        .match({ n: db().command.gte(1) })
        .group({ _id: '$kind', total: $.sum('$n') })
        .sort({ total: -1 })
        .end(),
    );
    expect(result.list).toEqual([
      { _id: 'x', total: 4 },
      { _id: 'y', total: 2 },
    ]);
  });

  test('aggregate with lookup into another collection', async () => {
    env.cloud.backend.database(ENV_A).createCollection('owners');
    env.cloud.backend.database(ENV_A).insert('owners', [{ _id: 'o1', name: 'Ann' }]);
    seed([{ _id: 't1', owner: 'o1' }]);
    const result = await sdkCall(
      todos().aggregate().lookup({ from: 'owners', localField: 'owner', foreignField: '_id', as: 'ownerDocs' }).project({ _id: 1, ownerDocs: 1 }).end(),
    );
    expect(result.list).toEqual([{ _id: 't1', ownerDocs: [{ _id: 'o1', name: 'Ann' }] }]);
  });

  test('runTransaction commits all of its writes', async () => {
    seed([
      { _id: 'from', balance: 10 },
      { _id: 'to', balance: 0 },
    ]);
    const _ = db().command;
    await db().runTransaction(async (transaction: { collection(name: string): ReturnType<typeof todos> }) => {
      const from = await sdkCall(transaction.collection('todos').doc('from').get());
      expect(from.data.balance).toBe(10);
      await sdkCall(
        transaction
          .collection('todos')
          .doc('from')
          .update({ data: { balance: _.inc(-4) } }),
      );
      await sdkCall(
        transaction
          .collection('todos')
          .doc('to')
          .update({ data: { balance: _.inc(4) } }),
      );
      await sdkCall(transaction.collection('todos').add({ data: { _id: 'receipt', amount: 4 } }));
      // Not visible outside the transaction before commit.
      expect(stored('from')).toEqual({ _id: 'from', balance: 10 });
      expect(stored('receipt')).toBeUndefined();
    });
    expect(env.cloud.backend.database(ENV_A).find('todos', {}, { order: { _id: 1 } })).toEqual([
      { _id: 'from', balance: 6 },
      { _id: 'receipt', amount: 4 },
      { _id: 'to', balance: 4 },
    ]);
  });

  test('a transaction that fails part-way applies none of its writes', async () => {
    seed([
      { _id: 'from', balance: 10 },
      { _id: 'taken', n: 1 },
    ]);
    const _ = db().command;
    const attempt = db().runTransaction(async (transaction: { collection(name: string): ReturnType<typeof todos> }) => {
      await sdkCall(
        transaction
          .collection('todos')
          .doc('from')
          .update({ data: { balance: _.inc(-4) } }),
      );
      await sdkCall(transaction.collection('todos').add({ data: { _id: 'taken', n: 2 } }));
    });
    await expect(attempt).rejects.toThrow(/E11000/);
    expect(env.cloud.backend.database(ENV_A).find('todos', {}, { order: { _id: 1 } })).toEqual([
      { _id: 'from', balance: 10 },
      { _id: 'taken', n: 1 },
    ]);
    expect(env.cloud.backend.database(ENV_A).transactions.openCount).toBe(0);
  });

  test('a transaction whose documents changed underneath it is refused at commit', async () => {
    seed([{ _id: 'k', n: 0 }]);
    const transaction = await db().startTransaction();
    await sdkCall(
      transaction
        .collection('todos')
        .doc('k')
        .update({ data: { n: 5 } }),
    );
    await sdkCall(
      todos()
        .doc('k')
        .update({ data: { n: 7 } }),
    );
    await expect(transaction.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(stored('k')).toEqual({ _id: 'k', n: 7 });
  });
});
