import { EJSON } from 'bson';
import { ManualClock } from '@wxhub/core';
import { LocalCloud } from '../src/local-cloud';

// The backend protocol itself, as wx-server-sdk speaks it: refusals the SDK cannot produce
// (it validates some things client-side) must still be refused, never silently mis-applied.

const ENV = 'wire-env-1a2b3c';
const OTHER_ENV = 'wire-env-4d5e6f';
let cloud: LocalCloud;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  cloud = await LocalCloud.start({
    apps: [
      { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: ENV },
      { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: OTHER_ENV },
    ],
    clock,
  });
});

afterAll(() => cloud.stop());

beforeEach(() => {
  const db = cloud.backend.database(ENV);
  db.clear();
  db.createCollection('c');
  db.insert('c', [
    { _id: 'a', n: 1, at: new Date(Date.UTC(2025, 0, 1)) },
    { _id: 'b', n: 2 },
  ]);
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(body: unknown, env: string = ENV): Promise<Answer> {
  const response = await fetch(`${cloud.sdkBackendUrl}?env=${encodeURIComponent(env)}&seqId=test_1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ejson = (value: unknown): string => EJSON.stringify(value, { relaxed: false });

function expectRefusal(answer: Answer, code: string, message: RegExp): void {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ requestId: expect.any(String), code, message: expect.stringMatching(message) });
}

describe('success answers', () => {
  test('getDocument answers {requestId, data: {list}} with canonical EJSON strings', async () => {
    const answer = await post({ action: 'database.getDocument', collectionName: 'c', queryType: 'WHERE', query: ejson({ _id: 'a' }), limit: 10 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ requestId: expect.any(String), data: { list: expect.any(Array), limit: 10, offset: 0 } });
    const list = (answer.body.data as { list: string[] }).list;
    expect(list).toHaveLength(1);
    expect(JSON.parse(list[0] as string)).toEqual({ _id: 'a', n: { $numberInt: '1' }, at: { $date: { $numberLong: String(Date.UTC(2025, 0, 1)) } } });
  });

  test('each answer carries its own requestId', async () => {
    const first = await post({ action: 'database.calculateDocument', collectionName: 'c' });
    const second = await post({ action: 'database.calculateDocument', collectionName: 'c' });
    expect(first.body.data).toEqual({ total: 2 });
    expect(first.body.requestId).not.toBe(second.body.requestId);
  });

  test('startTransaction answers transactionId at the top level', async () => {
    const answer = await post({ action: 'database.startTransaction' });
    expect(answer.body).toEqual({ requestId: expect.any(String), transactionId: expect.stringMatching(/^[0-9a-f]+$/) });
    const commit = await post({ action: 'database.commitTransaction', transactionId: answer.body.transactionId });
    expect(commit.body).toEqual({ requestId: expect.any(String) });
  });

  test('an empty env means the first environment', async () => {
    const answer = await post({ action: 'database.calculateDocument', collectionName: 'c', envName: '' }, '');
    expect(answer.body.data).toEqual({ total: 2 });
  });

  test('modifyDocument with upsert answers upsert_id', async () => {
    const answer = await post({
      action: 'database.modifyDocument',
      collectionName: 'c',
      queryType: 'DOC',
      query: ejson({ _id: 'new' }),
      data: ejson({ n: 9 }),
      multi: false,
      merge: false,
      upsert: true,
    });
    expect(answer.body.data).toEqual({ updated: 0, upsert_id: 'new' });
    expect(cloud.backend.database(ENV).find('c', { _id: 'new' })).toEqual([{ _id: 'new', n: 9 }]);
  });

  test('an upsert seeds the new document from {field: {$eq: value}} too, as MongoDB seeds from equality clauses', async () => {
    const answer = await post({
      action: 'database.modifyDocument',
      collectionName: 'c',
      query: ejson({ _id: { $eq: 'eq-new' }, kind: { $eq: 'k' }, n: { $gt: 5 } }),
      data: ejson({ $set: { m: 1 } }),
      upsert: true,
    });
    expect(answer.body.data).toEqual({ updated: 0, upsert_id: 'eq-new' });
    expect(cloud.backend.database(ENV).find('c', { _id: 'eq-new' })).toEqual([{ _id: 'eq-new', kind: 'k', m: 1 }]);
  });
});

describe('refusals', () => {
  test('an unknown action', async () => {
    expectRefusal(await post({ action: 'database.frobnicate', collectionName: 'c' }), 'INVALID_ACTION', /database\.frobnicate/);
  });

  test('a body that is not JSON, or has no action', async () => {
    expectRefusal(await post('{"action": '), 'INVALID_PARAM', /not JSON/);
    expectRefusal(await post({ collectionName: 'c' }), 'INVALID_PARAM', /action/);
  });

  test('an unknown environment', async () => {
    expectRefusal(await post({ action: 'database.calculateDocument', collectionName: 'c' }, 'nope-env'), 'INVALID_ENV', /nope-env/);
  });

  test('bad EJSON in a query', async () => {
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', query: '{"n": ' }), 'INVALID_PARAM', /query is not valid EJSON/);
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', query: '[1]' }), 'INVALID_PARAM', /query must be an EJSON object/);
  });

  test('a limit above 1000', async () => {
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', limit: 1001 }), 'INVALID_PARAM', /limit must be between 1 and 1000/);
  });

  test('an order direction that is not 1 or -1', async () => {
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', order: ejson({ n: 2 }) }), 'INVALID_PARAM', /order of n/);
  });

  test('update operators inside a replacement (doc.set) document', async () => {
    const answer = await post({
      action: 'database.modifyDocument',
      collectionName: 'c',
      queryType: 'DOC',
      query: ejson({ _id: 'a' }),
      data: ejson({ n: { $inc: 1 } }),
      merge: false,
      upsert: true,
    });
    expectRefusal(answer, 'DATABASE_REQUEST_FAILED', /n\.\$inc/);
    expect(cloud.backend.database(ENV).find('c', { _id: 'a' })[0]?.n).toBe(1);
  });

  test('update data mixing operators and plain fields, or with an unsupported operator', async () => {
    const modify = (data: unknown) =>
      post({ action: 'database.modifyDocument', collectionName: 'c', queryType: 'DOC', query: ejson({ _id: 'a' }), data: ejson(data), merge: true });
    expectRefusal(await modify({ $set: { n: 5 }, m: 1 }), 'INVALID_PARAM', /mixes update operators/);
    expectRefusal(await modify({ $currentDate: { at: true } }), 'INVALID_PARAM', /unsupported update operator \$currentDate/);
    expect(cloud.backend.database(ENV).find('c', { _id: 'a' })[0]?.n).toBe(1);
  });

  test('an update that cannot apply leaves every document unchanged', async () => {
    cloud.backend.database(ENV).insert('c', { _id: 's', n: 'text' });
    const answer = await post({
      action: 'database.modifyDocument',
      collectionName: 'c',
      queryType: 'WHERE',
      query: ejson({}),
      data: ejson({ $inc: { n: 1 } }),
      multi: true,
      merge: true,
    });
    expectRefusal(answer, 'DATABASE_REQUEST_FAILED', /non-numeric/);
    expect(
      cloud.backend
        .database(ENV)
        .find('c', {}, { order: { _id: 1 } })
        .map((d) => d.n),
    ).toEqual([1, 2, 'text']);
  });

  test('updates that do not fit the document are refused', async () => {
    cloud.backend.database(ENV).insert('c', { _id: 's', list: 'not an array', num: 5 });
    const modify = (data: unknown) =>
      post({ action: 'database.modifyDocument', collectionName: 'c', queryType: 'DOC', query: ejson({ _id: 's' }), data: ejson(data), merge: true });
    expectRefusal(await modify({ $push: { list: { $each: [1] } } }), 'DATABASE_REQUEST_FAILED', /'list' must be an array/);
    expectRefusal(await modify({ $set: { 'num.x': 1 } }), 'DATABASE_REQUEST_FAILED', /Cannot create field 'num\.x'/);
    expect(cloud.backend.database(ENV).find('c', { _id: 's' })).toEqual([{ _id: 's', list: 'not an array', num: 5 }]);
  });

  test('an unknown query operator, and scripts', async () => {
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', query: ejson({ n: { $frob: 1 } }) }), 'DATABASE_REQUEST_FAILED', /\$frob/);
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', query: ejson({ $where: 'true' }) }), 'DATABASE_REQUEST_FAILED', /\$where/);
  });

  test('a regular expression option JavaScript cannot honour', async () => {
    const query = JSON.stringify({ _id: { $regularExpression: { pattern: 'a', options: 'x' } } });
    expectRefusal(await post({ action: 'database.getDocument', collectionName: 'c', query }), 'INVALID_PARAM', /option 'x'/);
  });

  // DATABASE_REQUEST_FAILED, as node-sdk's own tests expect of the real backend (wechat-facts, Corrections 7)
  test('a field name starting with $ in inserted data', async () => {
    expectRefusal(await post({ action: 'database.insertDocument', collectionName: 'c', data: [ejson({ $bad: 1 })] }), 'DATABASE_REQUEST_FAILED', /\$bad/);
  });

  test('a duplicate _id anywhere in a batch inserts nothing', async () => {
    const answer = await post({ action: 'database.insertDocument', collectionName: 'c', data: [ejson({ _id: 'x1' }), ejson({ _id: 'b' })] });
    expectRefusal(answer, 'DATABASE_REQUEST_FAILED', /E11000 duplicate key error collection: wire-env-1a2b3c\.c index: _id_ dup key: \{ _id: "b" \}/);
    expect(cloud.backend.database(ENV).count('c')).toBe(2);
  });

  test('a transaction id that does not exist', async () => {
    expectRefusal(
      await post({ action: 'database.commitTransaction', transactionId: 'nope' }),
      'DATABASE_TRANSACTION_FAIL',
      /^\[ResourceUnavailable\.TransactionNotExist\] .*transactionId: nope/,
    );
  });

  test('aggregation stages that would write', async () => {
    const stages = [{ stageKey: '$out', stageValue: JSON.stringify('elsewhere') }];
    expectRefusal(await post({ action: 'database.aggregateDocuments', collectionName: 'c', stages }), 'INVALID_PARAM', /\$out/);
  });
});

describe('extension', () => {
  test('other parts add actions with registerAction', async () => {
    expect(() => cloud.backend.registerAction('database.getDocument', () => ({}))).toThrow(/already handled/);
    cloud.backend.registerAction('test.echo', (ctx) => ({ data: { env: ctx.envId, got: ctx.params.value } }));
    const answer = await post({ action: 'test.echo', value: 42 }, OTHER_ENV);
    expect(answer.body).toEqual({ requestId: expect.any(String), data: { env: OTHER_ENV, got: 42 } });
  });
});

// The codes @cloudbase/node-sdk's own tests expect of the real backend for transactions.
describe('transaction codes on the wire', () => {
  test('a transaction used after commit: DATABASE_TRANSACTION_FAIL, [ResourceUnavailable.TransactionNotExist]', async () => {
    const { body } = await post({ action: 'database.startTransaction' });
    const transactionId = body.transactionId as string;
    expect((await post({ action: 'database.commitTransaction', transactionId })).body).not.toHaveProperty('code');
    const reused = await post({ action: 'database.getDocument', collectionName: 'c', transactionId, query: ejson({ _id: 'a' }) });
    expectRefusal(reused, 'DATABASE_TRANSACTION_FAIL', /^\[ResourceUnavailable\.TransactionNotExist\] /);
    expectRefusal(await post({ action: 'database.commitTransaction', transactionId }), 'DATABASE_TRANSACTION_FAIL', /TransactionNotExist/);
  });

  test('a write to a document another open transaction wrote: DATABASE_TRANSACTION_CONFLICT', async () => {
    const first = (await post({ action: 'database.startTransaction' })).body.transactionId as string;
    const second = (await post({ action: 'database.startTransaction' })).body.transactionId as string;
    const update = (transactionId: string, n: number) =>
      post({
        action: 'database.modifyDocument',
        collectionName: 'c',
        transactionId,
        queryType: 'DOC',
        query: ejson({ _id: 'a' }),
        data: ejson({ $set: { n } }),
      });
    expect((await update(first, 10)).body).toMatchObject({ data: { updated: 1 } });
    expectRefusal(await update(second, 20), 'DATABASE_TRANSACTION_CONFLICT', /TransactionConflict/);
    expect((await post({ action: 'database.commitTransaction', transactionId: first })).body).not.toHaveProperty('code');
    expect(cloud.backend.database(ENV).find('c', { _id: 'a' })[0]).toMatchObject({ n: 10 });
  });
});
