import { buildUrl, ManualClock, requestJson } from '@wxhub/core';
import { EJSON } from 'bson';
import { LocalCloud } from '../src/local-cloud';

// WeChat's cloud database HTTP API (tcb/database*) as a server outside WeChat's cloud uses it:
// a token from cgi-bin/token, `{env, query}` bodies whose query is db.collection(…) text.

const A = { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: 'a-env-1a2b3c' };
const B = { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: 'b-env-4d5e6f' };
const START = Date.UTC(2026, 0, 1, 8);

let cloud: LocalCloud;
let clock: ManualClock;
let tokenA: string;

type Answer = Record<string, unknown> & { errcode: number; errmsg: string };

beforeAll(async () => {
  clock = new ManualClock(START);
  cloud = await LocalCloud.start({ apps: [A, B], clock });
  // Served here until TcbHttpApi composes the database routes itself; the same handlers either way.
  tokenA = await tokenOf(A);
});

afterAll(() => cloud.stop());

beforeEach(() => {
  cloud.backend.database(A.envId).clear();
  cloud.backend.database(B.envId).clear();
});

async function tokenOf(app: typeof A): Promise<string> {
  const { body } = await requestJson(
    buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret }),
  );
  return (body as { access_token: string }).access_token;
}

async function tcb(api: string, json: unknown, options: { token?: string | null; method?: 'GET' | 'POST' } = {}): Promise<Answer> {
  const token = options.token === undefined ? tokenA : options.token;
  const url = buildUrl(cloud.wechatApiBase, `/tcb/${api}`, token === null ? {} : { access_token: token });
  const { status, body } = await requestJson(url, { method: options.method ?? 'POST', ...(json === undefined ? {} : { json }) });
  expect(status).toBe(200);
  return body as Answer;
}

const run = (api: string, query: string, env = A.envId): Promise<Answer> => tcb(api, { env, query });

/** Everything in environment A, in a form that compares exactly (Dates and types kept). */
function snapshot(): string {
  const database = cloud.backend.database(A.envId);
  return EJSON.stringify(
    database.listCollections().map((name) => [name, database.find(name)]),
    { relaxed: false },
  );
}

function rows(answer: Answer): Array<Record<string, unknown>> {
  expect(answer.errcode).toBe(0);
  return (answer.data as string[]).map((text) => JSON.parse(text) as Record<string, unknown>);
}

/** The add example of WeChat's databaseAdd page. */
const DOCS_ADD = `db.collection("geo").add({
  data: [{
    description: "item1",
    due: new Date("2019-09-09"),
    tags: ["cloud", "database"],
    location: new db.Geo.Point(113, 23),
    done: false
  },
  {
    description: "item2",
    due: new Date("2019-09-09"),
    tags: ["cloud", "database"],
    location: new db.Geo.Point(113, 23),
    done: false
  }]
})`;

describe('documented examples', () => {
  beforeEach(() => cloud.backend.database(A.envId).createCollection('geo'));

  test('databaseadd stores the documents with real Dates and GeoJSON points, and answers id_list', async () => {
    const answer = await run('databaseadd', DOCS_ADD);
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok' });
    const ids = answer.id_list as string[];
    expect(ids).toHaveLength(2);
    const stored = cloud.backend.database(A.envId).find('geo', {}, { order: { description: 1 } });
    expect(stored.map((doc) => doc._id)).toEqual(ids);
    expect(stored[0]?.due).toEqual(new Date('2019-09-09'));
    expect(stored[0]?.location).toEqual({ type: 'Point', coordinates: [113, 23] });
    expect(stored[1]).toMatchObject({ description: 'item2', tags: ['cloud', 'database'], done: false });
  });

  test('databasequery pages like the documented example: Offset 1, Limit 10, Total of the where', async () => {
    cloud.backend.database(A.envId).insert('geo', [
      { _id: 'g1', done: true, name: 'test' },
      { _id: 'g2', done: true, name: 'other' },
      { _id: 'g3', done: false, name: 'open' },
    ]);
    const answer = await run('databasequery', 'db.collection("geo").where({done:true}).limit(10).skip(1).get()');
    expect(answer.pager).toEqual({ Offset: 1, Limit: 10, Total: 2 });
    expect(rows(answer)).toEqual([{ _id: 'g2', done: true, name: 'other' }]);
  });

  test('Dates come back as {"$date": epoch ms} inside the JSON strings', async () => {
    await run('databaseadd', DOCS_ADD);
    const answer = await run('databasequery', 'db.collection("geo").where({description: "item1"}).get()');
    const [first] = rows(answer);
    expect(first?.due).toEqual({ $date: Date.parse('2019-09-09') });
    expect(first?.location).toEqual({ type: 'Point', coordinates: [113, 23] });
  });

  test('databaseupdate with _.inc counts matched and modified', async () => {
    cloud.backend.database(A.envId).insert('geo', [
      { _id: 'g1', done: true, visits: 1 },
      { _id: 'g2', done: true, visits: 5 },
      { _id: 'g3', done: false, visits: 0 },
    ]);
    const answer = await run('databaseupdate', 'db.collection("geo").where({done: true}).update({data: {visits: _.inc(2), seen: true}})');
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', matched: 2, modified: 2, id: '' });
    const visits = cloud.backend
      .database(A.envId)
      .find('geo', {}, { order: { _id: 1 } })
      .map((doc) => doc.visits);
    expect(visits).toEqual([3, 7, 0]);
  });

  test('databaseaggregate groups with $.sum and answers JSON strings', async () => {
    cloud.backend.database(A.envId).insert('geo', [
      { category: 'web', score: 3 },
      { category: 'web', score: 4 },
      { category: 'app', score: 10 },
    ]);
    const answer = await run(
      'databaseaggregate',
      'db.collection("geo").aggregate().group({_id: "$category", total: $.sum("$score"), n: $.sum(1)}).sort({_id: 1}).end()',
    );
    expect(rows(answer)).toEqual([
      { _id: 'app', total: 10, n: 1 },
      { _id: 'web', total: 7, n: 2 },
    ]);
  });
});

describe('databasequery', () => {
  beforeEach(() => {
    const database = cloud.backend.database(A.envId);
    database.createCollection('users');
    database.insert(
      'users',
      Array.from({ length: 15 }, (_, i) => ({
        _id: `u${String(i).padStart(2, '0')}`,
        age: 10 + i,
        name: `user ${i}`,
        address: { city: i % 2 === 0 ? 'Shenzhen' : 'Beijing' },
      })),
    );
  });

  test('without .limit() it answers 10 documents and says Limit 10', async () => {
    const answer = await run('databasequery', 'db.collection("users").get()');
    expect(answer.pager).toEqual({ Offset: 0, Limit: 10, Total: 15 });
    expect(rows(answer)).toHaveLength(10);
  });

  test('where with commands and nested fields, orderBy, skip, limit and field together', async () => {
    const answer = await run(
      'databasequery',
      `db.collection('users').where({age: _.gte(15).and(_.lt(22)), address: {city: 'Shenzhen'}}).orderBy('age', 'desc').skip(1).limit(2).field({name: true, age: true})`.concat(
        '.get()',
      ),
    );
    expect(answer.pager).toEqual({ Offset: 1, Limit: 2, Total: 3 });
    expect(rows(answer)).toEqual([
      { _id: 'u08', age: 18, name: 'user 8' },
      { _id: 'u06', age: 16, name: 'user 6' },
    ]);
  });

  test('doc(id).get() reads one document, and none for a missing id', async () => {
    expect(rows(await run('databasequery', 'db.collection("users").doc("u03").get()'))).toEqual([
      { _id: 'u03', age: 13, name: 'user 3', address: { city: 'Beijing' } },
    ]);
    const missing = await run('databasequery', 'db.collection("users").doc("nobody").get()');
    expect(missing.pager).toEqual({ Offset: 0, Limit: 10, Total: 0 });
    expect(missing.data).toEqual([]);
  });

  test('a regular expression filter', async () => {
    const answer = await run(
      'databasequery',
      'db.collection("users").where({name: db.RegExp({regexp: "^user 1[0-2]$", options: "i"})}).orderBy("age", "asc").get()',
    );
    expect(rows(answer).map((row) => row._id)).toEqual(['u10', 'u11', 'u12']);
  });

  test('databasecount counts what the where matches', async () => {
    expect(await run('databasecount', 'db.collection("users").where({age: _.gt(20)}).count()')).toMatchObject({ errcode: 0, errmsg: 'ok', count: 4 });
    expect((await run('databasecount', 'db.collection("users").count()')).count).toBe(15);
  });
});

describe('writes', () => {
  beforeEach(() => cloud.backend.database(A.envId).createCollection('todos'));

  test('db.serverDate() in added and updated data becomes the local cloud clock time', async () => {
    const added = await run(
      'databaseadd',
      'db.collection("todos").add({data: {_id: "t1", createdAt: db.serverDate(), remindAt: db.serverDate({offset: 60000})}})',
    );
    expect(added.id_list).toEqual(['t1']);
    clock.advance(5000);
    await run('databaseupdate', 'db.collection("todos").doc("t1").update({data: {touchedAt: db.serverDate()}})');
    const [doc] = cloud.backend.database(A.envId).find('todos');
    expect(doc).toEqual({
      _id: 't1',
      createdAt: new Date(clock.now() - 5000),
      remindAt: new Date(clock.now() - 5000 + 60000),
      touchedAt: new Date(clock.now()),
    });
  });

  test('an update that sets the values already there matches without modifying', async () => {
    cloud.backend.database(A.envId).insert('todos', [{ _id: 't1', done: true }]);
    const answer = await run('databaseupdate', 'db.collection("todos").doc("t1").update({data: {done: true}})');
    expect(answer).toMatchObject({ matched: 1, modified: 0, id: '' });
  });

  test('doc(id).set() creates a missing document (id filled, not counted) and replaces an existing one', async () => {
    const created = await run('databaseupdate', 'db.collection("todos").doc("t9").set({data: {title: "new", done: false}})');
    expect(created).toMatchObject({ errcode: 0, matched: 0, modified: 0, id: 't9' });
    const replaced = await run('databaseupdate', 'db.collection("todos").doc("t9").set({data: {title: "replaced"}})');
    expect(replaced).toMatchObject({ matched: 1, modified: 1, id: '' });
    expect(cloud.backend.database(A.envId).find('todos')).toEqual([{ _id: 't9', title: 'replaced' }]);
  });

  test('array and field update commands', async () => {
    cloud.backend.database(A.envId).insert('todos', [{ _id: 't1', tags: ['a'], stale: 1, n: 2 }]);
    await run('databaseupdate', 'db.collection("todos").doc("t1").update({data: {tags: _.push(["b", "c"]), stale: _.remove(), n: _.mul(10)}})');
    expect(cloud.backend.database(A.envId).find('todos')).toEqual([{ _id: 't1', tags: ['a', 'b', 'c'], n: 20 }]);
  });

  test('an update the document cannot take is refused whole (-502001) and changes nothing', async () => {
    cloud.backend.database(A.envId).insert('todos', [
      { _id: 't1', n: 1 },
      { _id: 't2', n: 'text' },
    ]);
    const before = snapshot();
    const answer = await run('databaseupdate', 'db.collection("todos").where({}).update({data: {n: _.inc(1)}})');
    expect(answer.errcode).toBe(-502001);
    expect(answer.errmsg).toMatch(/^database request fail\. Cannot apply \$inc .* rid: /);
    expect(snapshot()).toBe(before);
  });

  test('adding an _id that exists is refused whole', async () => {
    cloud.backend.database(A.envId).insert('todos', [{ _id: 't1' }]);
    const before = snapshot();
    const answer = await run('databaseadd', 'db.collection("todos").add({data: [{_id: "t2"}, {_id: "t1"}]})');
    expect(answer.errcode).toBe(-502001);
    expect(answer.errmsg).toContain('E11000 duplicate key');
    expect(snapshot()).toBe(before);
  });

  test('databasedelete removes every match of a where, or one document', async () => {
    cloud.backend.database(A.envId).insert('todos', [
      { _id: 't1', done: true },
      { _id: 't2', done: true },
      { _id: 't3', done: false },
      { _id: 't4', done: false },
    ]);
    expect(await run('databasedelete', 'db.collection("todos").where({done: true}).remove()')).toMatchObject({ errcode: 0, errmsg: 'ok', deleted: 2 });
    expect(await run('databasedelete', 'db.collection("todos").doc("t3").remove()')).toMatchObject({ deleted: 1 });
    expect(await run('databasedelete', 'db.collection("todos").doc("t3").remove()')).toMatchObject({ deleted: 0 });
    expect(
      cloud.backend
        .database(A.envId)
        .find('todos')
        .map((doc) => doc._id),
    ).toEqual(['t4']);
  });
});

describe('collections', () => {
  test('add, list with sizes and a pager, delete', async () => {
    expect(await tcb('databasecollectionadd', { env: A.envId, collection_name: 'b_coll' })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await tcb('databasecollectionadd', { env: A.envId, collection_name: 'a_coll' })).errcode).toBe(0);
    cloud.backend.database(A.envId).insert('b_coll', [{ name: 'x' }, { name: 'yy' }]);

    const listed = await tcb('databasecollectionget', { env: A.envId });
    expect(listed.pager).toEqual({ Offset: 0, Limit: 10, Total: 2 });
    const [first, second] = listed.collections as Array<Record<string, number | string>>;
    expect(first).toEqual({ name: 'a_coll', count: 0, size: 0, index_count: 1, index_size: 0 });
    expect(second).toMatchObject({ name: 'b_coll', count: 2, index_count: 1 });
    // BSON of {_id: 32 hex characters, name: 'x'} and of the same with 'yy': 59 + 60 bytes.
    expect(second?.size).toBe(119);

    const page = await tcb('databasecollectionget', { env: A.envId, limit: 1, offset: 1 });
    expect(page.pager).toEqual({ Offset: 1, Limit: 1, Total: 2 });
    expect((page.collections as Array<{ name: string }>).map((c) => c.name)).toEqual(['b_coll']);

    expect(await tcb('databasecollectiondelete', { env: A.envId, collection_name: 'b_coll' })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(cloud.backend.database(A.envId).listCollections()).toEqual(['a_coll']);
  });

  test('adding an existing collection and deleting a missing one are refused', async () => {
    cloud.backend.database(A.envId).createCollection('here');
    const again = await tcb('databasecollectionadd', { env: A.envId, collection_name: 'here' });
    expect(again.errcode).toBe(-501001);
    expect(again.errmsg).toContain('Table exist: here');
    const gone = await tcb('databasecollectiondelete', { env: A.envId, collection_name: 'nope' });
    expect(gone.errcode).toBe(-502005);
    expect(gone.errmsg).toMatch(/^database collection not exists\. \[ResourceNotFound\] Db or Table not exist: nope\. .* rid: \S+$/);
  });

  test('bad paging parameters are 40097, a missing collection_name 40101', async () => {
    expect((await tcb('databasecollectionget', { env: A.envId, limit: 0 })).errcode).toBe(40097);
    expect((await tcb('databasecollectionget', { env: A.envId, offset: -1 })).errcode).toBe(40097);
    expect((await tcb('databasecollectionget', { env: A.envId, limit: '5' })).errcode).toBe(40097);
    expect((await tcb('databasecollectionadd', { env: A.envId })).errcode).toBe(40101);
    expect((await tcb('databasecollectiondelete', { env: A.envId, collection_name: 7 })).errcode).toBe(40097);
  });
});

describe('refusals', () => {
  beforeEach(() => {
    const database = cloud.backend.database(A.envId);
    database.createCollection('geo');
    database.insert('geo', [
      { _id: 'g1', done: true, name: 'a', n: 1 },
      { _id: 'g2', done: false, name: 'b', n: 2 },
    ]);
  });

  test('a missing collection is -502005 with the message the SDK path gives', async () => {
    for (const [api, query] of [
      ['databasequery', 'db.collection("nope").get()'],
      ['databaseadd', 'db.collection("nope").add({data: {a: 1}})'],
      ['databaseupdate', 'db.collection("nope").where({}).update({data: {a: 1}})'],
      ['databasedelete', 'db.collection("nope").where({}).remove()'],
      ['databasecount', 'db.collection("nope").count()'],
      ['databaseaggregate', 'db.collection("nope").aggregate().match({}).end()'],
    ] as const) {
      const answer = await run(api, query);
      expect({ api, errcode: answer.errcode }).toEqual({ api, errcode: -502005 });
      expect(answer.errmsg).toMatch(/^database collection not exists\. \[ResourceNotFound\] Db or Table not exist: nope\. /);
    }
    expect(cloud.backend.database(A.envId).hasCollection('nope')).toBe(false);
  });

  test('a query of the wrong kind for the endpoint is refused (40097) and not run', async () => {
    const before = snapshot();
    const cases: Array<[string, string]> = [
      ['databaseupdate', 'db.collection("geo").where({done: true}).get()'],
      ['databasedelete', 'db.collection("geo").get()'],
      ['databasequery', 'db.collection("geo").where({done: true}).remove()'],
      ['databaseadd', 'db.collection("geo").doc("g1").set({data: {x: 1}})'],
      ['databasecount', 'db.collection("geo").where({}).update({data: {n: 0}})'],
      ['databaseaggregate', 'db.collection("geo").add({data: {x: 1}})'],
      ['databasequery', 'db.collection("geo").aggregate().match({}).end()'],
    ];
    for (const [api, query] of cases) {
      const answer = await run(api, query);
      expect({ api, query, errcode: answer.errcode }).toEqual({ api, query, errcode: 40097 });
      expect(answer.errmsg).toContain(`${api} takes `);
    }
    expect(snapshot()).toBe(before);
  });

  test('injection attempts are refused with the parser errcode and change nothing', async () => {
    const before = snapshot();
    const attempts: Array<[string, string, number]> = [
      ['databasequery', 'db.collection("geo").where({done:true}).get(); db.collection("geo").remove()', -502002],
      ['databasequery', 'db.collection("geo").where({done:true}).get()\n;db.collection("geo").where({}).remove()', -502002],
      ['databasequery', 'db.collection("geo").where({$where: "this.done"}).get()', -502002],
      ['databasequery', 'db.collection("geo").where(_.expr({$function: {body: "return true", args: [], lang: "js"}})).get()', -502002],
      ['databasequery', 'process.exit(1)', -502002],
      ['databasequery', 'db.collection("geo").where({name: require("child_process").execSync("id")}).get()', -502002],
      ['databasequery', 'db.collection("geo").where({a: (function(){ return 1 })()}).get()', -502002],
      ['databasequery', 'db.collection("geo").where({a: constructor.constructor("return process")()}).get()', -502002],
      ['databasequery', 'db.collection("geo").where({a: this}).get()', -502002],
      ['databasequery', 'db.collection("geo").where({name: "a" + "b"}).get()', -502002],
      ['databasequery', 'db.collection("geo").get() || db.collection("geo").where({}).remove()', -502002],
      ['databasequery', 'db.collection(`geo${db.collection("geo").remove()}`).get()', -502002],
      ['databasedelete', '(db.collection("geo").where({}).remove(), db.collection("geo").where({}).remove())', -502002],
      ['databasedelete', 'db.collection("geo")["remove"]()', -502002],
      ['databaseadd', 'db.collection("geo").add({data: {__proto__: {admin: true}}})', -502002],
      ['databaseadd', 'db.collection("geo").add({data: {["constructor"]: {prototype: 1}}})', -502002],
      ['databaseupdate', 'db.collection("geo").where({}).update({data: {$set: {name: "pwned"}}})', -501007],
      ['databaseaggregate', 'db.collection("geo").aggregate().match({}).out("stolen").end()', -502002],
      ['databasequery', 'db.collection("geo").where({done: true}).limit(5000).get()', -501007],
      ['databasequery', `db.collection("geo").where({name: "${'x'.repeat(70 * 1024)}"}).get()`, -501007],
      ['databasequery', `db.collection("geo").where(${'{a:'.repeat(40)}1${'}'.repeat(40)}).get()`, -501007],
      ['databasequery', 'db.collection("geo").where({done: true}).get(', -501007],
    ];
    for (const [api, query, errcode] of attempts) {
      const answer = await run(api, query);
      expect({ query: query.slice(0, 100), errcode: answer.errcode }).toEqual({ query: query.slice(0, 100), errcode });
      expect(answer.errmsg).toMatch(/^(database invalid command|invalid parameters)\. .* rid: \S+$/s);
      expect(answer).not.toHaveProperty('data');
    }
    expect(snapshot()).toBe(before);
  });

  test('a hostile string inside a quoted value is data, not code', async () => {
    const hostile = '"); db.collection("geo").where({}).remove(); ("';
    const answer = await run('databaseadd', `db.collection("geo").add({data: {_id: "h1", note: ${JSON.stringify(hostile)}}})`);
    expect(answer.id_list).toEqual(['h1']);
    expect(cloud.backend.database(A.envId).count('geo')).toBe(3);
    expect(rows(await run('databasequery', 'db.collection("geo").doc("h1").get()'))).toEqual([{ _id: 'h1', note: hostile }]);
  });
});

describe('the request itself', () => {
  const QUERY = 'db.collection("geo").get()';
  beforeEach(() => cloud.backend.database(A.envId).createCollection('geo'));

  test('missing or malformed parameters and bodies get WeChat errcodes', async () => {
    expect((await tcb('databasequery', { env: A.envId })).errcode).toBe(40101);
    expect((await tcb('databasequery', { env: A.envId, query: '' })).errcode).toBe(40101);
    expect((await tcb('databasequery', { query: QUERY })).errcode).toBe(40101);
    expect((await tcb('databasequery', { env: A.envId, query: 42 })).errcode).toBe(40097);
    expect((await tcb('databasequery', { env: 42, query: QUERY })).errcode).toBe(40097);
    expect((await tcb('databasequery', undefined)).errcode).toBe(44002);
    expect((await tcb('databasequery', [QUERY])).errcode).toBe(47001);
    expect((await tcb('databasequery', undefined, { method: 'GET' })).errcode).toBe(43002);
  });

  test('the token is checked first, and an app reaches only its own environment', async () => {
    expect((await tcb('databasequery', { env: A.envId, query: QUERY }, { token: null })).errcode).toBe(41001);
    expect((await tcb('databasequery', { env: A.envId, query: QUERY }, { token: 'not-a-token' })).errcode).toBe(40001);
    cloud.backend.database(B.envId).createCollection('secrets');
    cloud.backend.database(B.envId).insert('secrets', [{ value: 'b only' }]);
    const crossed = await tcb('databasequery', { env: B.envId, query: 'db.collection("secrets").get()' });
    expect(crossed.errcode).toBe(-501000);
    expect(crossed).not.toHaveProperty('data');
    const own = await tcb('databasequery', { env: B.envId, query: 'db.collection("secrets").get()' }, { token: await tokenOf(B) });
    expect(rows(own).map((row) => row.value)).toEqual(['b only']);
  });

  test('an expired token is 42001', async () => {
    const token = await tokenOf(A);
    clock.advance(7200 * 1000 + 1);
    try {
      expect((await tcb('databasequery', { env: A.envId, query: QUERY }, { token })).errcode).toBe(42001);
    } finally {
      tokenA = await tokenOf(A);
    }
  });
});
