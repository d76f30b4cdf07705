import { assertFails, assertSucceeds, rulesTestEnvironment, type RulesTestEnvironment } from '../src/testing';

const X = 'oUserX';
const Y = 'oUserY';

describe("pages' database through the client endpoint (@cloudbase/database's builder, the rules helper)", () => {
  let env: RulesTestEnvironment;

  beforeEach(async () => {
    env = await rulesTestEnvironment({
      permissions: {
        database: {
          diary: 'PRIVATE',
          posts: 'READONLY',
          catalog: 'ADMINWRITE',
          secrets: 'ADMINONLY',
          notes: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
        },
      },
    });
    const admin = env.admin();
    for (const name of ['diary', 'posts', 'catalog', 'secrets', 'notes']) admin.createCollection(name);
    admin.insert('diary', [
      { _id: 'dx', _openid: X, text: "X's diary" },
      { _id: 'dy', _openid: Y, text: "Y's diary" },
    ]);
    admin.insert('notes', [
      { _id: 'nx', _openid: X, text: "X's note" },
      { _id: 'ny', _openid: Y, text: "Y's note" },
    ]);
    admin.insert('secrets', [{ _id: 's1', value: 'sk-live' }]);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it("creator only: each user reads his own records, never the other one's, and cannot update them", async () => {
    const x = env.as(X).database();
    const mine = await assertSucceeds(x.collection('diary').get());
    expect(mine.data).toEqual([{ _id: 'dx', _openid: X, text: "X's diary" }]);
    expect((await x.collection('diary').where({ _openid: Y }).get()).data).toEqual([]);
    expect((await env.as(Y).database().collection('diary').get()).data.map((d) => d._id)).toEqual(['dy']);
    // Updating someone else's record matches nothing: updated 0, and the record is unchanged.
    expect(
      await x
        .collection('diary')
        .doc('dy')
        .update({ data: { text: 'hacked' } }),
    ).toEqual({ stats: { updated: 0 }, errMsg: 'document.update:ok' });
    expect(env.admin().find('diary', { _id: 'dy' })[0]).toMatchObject({ text: "Y's diary" });
    await expect(x.collection('diary').doc('dy').get()).rejects.toMatchObject({ errMsg: expect.stringContaining('does not exist') });
    await assertFails(
      x
        .collection('diary')
        .doc('dx')
        .update({ data: { _openid: Y } }),
    );
    await assertFails(
      x
        .collection('diary')
        .where({ text: 'x' })
        .update({ data: { text: 'batch' } }),
    );
  });

  it("add stamps _openid with the caller, and refuses another user's _openid", async () => {
    const x = env.as(X).database();
    const added = await x.collection('posts').add({ data: { title: 'hello', at: new Date(0) } });
    expect(added.errMsg).toBe('collection.add:ok');
    expect(env.admin().find('posts', { _id: added._id })).toEqual([{ _id: added._id, title: 'hello', at: new Date(0), _openid: X }]);
    const refused = await assertFails(x.collection('posts').add({ data: { title: 'forged', _openid: Y } }));
    expect(refused.errCode).toBe(-502003);
    expect(env.admin().count('posts')).toBe(1);
    await assertFails(
      env
        .unauthenticated()
        .database()
        .collection('posts')
        .add({ data: { title: 'anonymous' } }),
    );
  });

  it('a client get returns at most 20 records, by default and with a larger limit', async () => {
    env.admin().insert(
      'posts',
      Array.from({ length: 45 }, (_, i) => ({ _id: `p${String(i).padStart(2, '0')}`, n: i })),
    );
    const posts = env.as(X).database().collection('posts');
    expect((await posts.get()).data).toHaveLength(20);
    expect((await posts.limit(100).get()).data).toHaveLength(20);
    expect((await posts.limit(5).get()).data).toHaveLength(5);
    expect((await posts.orderBy('n', 'desc').skip(40).get()).data.map((d) => d.n)).toEqual([4, 3, 2, 1, 0]);
    expect((await posts.count()).total).toBe(45);
  });

  it('a query that is not a subset of a custom rule is refused whole, not filtered', async () => {
    const x = env.as(X).database();
    const _ = x.command as { in(values: unknown[]): unknown };
    const refused = await assertFails(x.collection('notes').get());
    expect(refused.errMsg).toMatch(/collection\.get:fail -502003 DATABASE_PERMISSION_DENIED: .*not a subset of the read rule/);
    await assertFails(
      x
        .collection('notes')
        .where({ _openid: _.in([X, Y]) })
        .get(),
    );
    await assertFails(x.collection('notes').doc('nx').get());
    await assertFails(x.collection('notes').where({ _openid: Y }).get());
    expect((await assertSucceeds(x.collection('notes').where({ _openid: '{openid}' }).get())).data).toEqual([{ _id: 'nx', _openid: X, text: "X's note" }]);
    expect((await x.collection('notes').where({ _id: 'nx', _openid: X }).get()).data).toHaveLength(1);
    // Under rules, batch writes are allowed when the query is a subset of the write rule.
    expect(
      await x
        .collection('notes')
        .where({ _openid: '{openid}' })
        .update({ data: { text: 'edited' } }),
    ).toEqual({ stats: { updated: 1 }, errMsg: 'collection.update:ok' });
    await assertFails(x.collection('notes').where({ text: 'edited' }).remove());
  });

  it('all read / admin write and admin only', async () => {
    const x = env.as(X).database();
    await assertSucceeds(x.collection('catalog').get());
    await assertFails(x.collection('catalog').add({ data: { sku: 1 } }));
    await assertFails(x.collection('secrets').get());
    await assertFails(x.collection('secrets').doc('s1').get());
    await assertFails(x.collection('secrets').count());
    await assertFails(x.collection('secrets').aggregate().match({}).end());
  });

  it('a misconfiguration lets every user read the collection; a bad rule is refused with its position', async () => {
    env.setCollection('secrets', 'READONLY');
    expect((await assertSucceeds(env.as(Y).database().collection('secrets').get())).data).toEqual([{ _id: 's1', value: 'sk-live' }]);
    expect(() => env.setCollection('notes', { read: 'doc._openid == auth.openid &&' })).toThrow(/Expected expression after && at character 30/);
    // The refused setting left the old one in place.
    await assertFails(env.as(X).database().collection('notes').get());
  });

  it('assertSucceeds and assertFails fail when the outcome is the other one', async () => {
    const x = env.as(X).database();
    await expect(assertFails(x.collection('catalog').get())).rejects.toThrow(/expected the request to be refused, but it was allowed/);
    await expect(assertSucceeds(x.collection('secrets').get())).rejects.toThrow(/expected the request to be allowed.*-502003/);
    await expect(assertFails(x.collection('nowhere').get())).rejects.toThrow(/failed otherwise/);
  });
});
