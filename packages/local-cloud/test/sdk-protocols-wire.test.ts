import { EJSON } from 'bson';
import { ManualClock } from '@wxhub/core';
import { LocalCloud } from '../src/local-cloud';

// The old database protocol of wx-server-sdk 0.8/1.x and tcb-admin-node (@cloudbase/database
// 0.1.1 and 0.9.x) for aggregation and transactions, as the old SDKs send it (request and answer
// shapes read in their published dist/commonjs/aggregate.js and transaction/document.js): served
// by today's handlers, so the answers, the isolation and the refusals are today's.

const ENV = 'legacy-env-1a2b3c';
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await LocalCloud.start({
    apps: [{ name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: ENV }],
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
  });
});

afterAll(() => cloud.stop());

beforeEach(() => {
  const db = cloud.backend.database(ENV);
  db.clear();
  db.createCollection('c');
  db.insert('c', [
    { _id: 'a', g: 'x', n: 1, at: new Date(Date.UTC(2025, 0, 1)) },
    { _id: 'b', g: 'y', n: 2, at: new Date(Date.UTC(2025, 6, 1)) },
    { _id: 'd', g: 'x', n: 4, at: new Date(Date.UTC(2025, 6, 1)) },
  ]);
});

type Body = Record<string, unknown>;

/** As tcb-admin-node posts: the action and its params in one JSON body, the env as envName. */
async function post(body: Body): Promise<Body> {
  const response = await fetch(`${cloud.sdkBackendUrl}?&eventId=e1&seqId=s1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ envName: ENV, ...body }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Body;
}

/** A refusal is {requestId, code, message}, and the message is one line, never a stack trace. */
function expectRefusal(answer: Body, code: string, message: RegExp): void {
  expect(answer).toEqual({ requestId: expect.any(String), code, message: expect.stringMatching(message) });
  expect(answer.message).not.toMatch(/\n\s+at /);
}

const canonical = (value: unknown): string => EJSON.stringify(value, { relaxed: false });
const stage = (stageKey: string, value: unknown): Body => ({ stageKey, stageValue: JSON.stringify(value) });
const docs = (): Body[] => cloud.backend.database(ENV).find('c', {}) as Body[];

async function start(): Promise<string> {
  const answer = await post({ action: 'database.startTransaction' });
  expect(answer).toEqual({ requestId: expect.any(String), transactionId: expect.any(String) });
  return answer.transactionId as string;
}

describe('database.aggregate (Aggregation.end of @cloudbase/database 0.1.1/0.9.x)', () => {
  test('answers data.list as a JSON text of EJSON texts, which the SDK reads with JSON.parse(list).map(EJSON.parse)', async () => {
    const answer = await post({
      action: 'database.aggregate',
      collectionName: 'c',
      stages: [
        // The query serializer of 0.9.x sends a Date as {$date: ms}.
        stage('$match', { at: { $gte: { $date: Date.UTC(2025, 3, 1) } } }),
        stage('$group', { _id: '$g', total: { $sum: '$n' } }),
        stage('$sort', { total: -1 }),
      ],
    });
    expect(answer).toEqual({ requestId: expect.any(String), data: { list: expect.any(String) } });
    const rows = (JSON.parse((answer.data as { list: string }).list) as string[]).map((text) => EJSON.parse(text));
    expect(rows).toEqual([
      { _id: 'x', total: 4 },
      { _id: 'y', total: 2 },
    ]);
  });

  test('an empty result is an empty list', async () => {
    const answer = await post({ action: 'database.aggregate', collectionName: 'c', stages: [stage('$match', { g: 'none' })] });
    expect(JSON.parse((answer.data as { list: string }).list)).toEqual([]);
  });

  test('bad stages are refused with a typed error', async () => {
    expectRefusal(await post({ action: 'database.aggregate', collectionName: 'c' }), 'INVALID_PARAM', /stages must be an array/);
    expectRefusal(
      await post({ action: 'database.aggregate', collectionName: 'c', stages: [{ stageKey: '$match', stageValue: '{"g": ' }] }),
      'INVALID_PARAM',
      /stages\[0\]\.stageValue is not valid JSON/,
    );
    expectRefusal(await post({ action: 'database.aggregate', collectionName: 'c', stages: ['$match'] }), 'INVALID_PARAM', /stages\[0\] must be/);
    expectRefusal(await post({ action: 'database.aggregate', collectionName: 'c', stages: [stage('match', {})] }), 'INVALID_PARAM', /stages\[0\]/);
  });
});

describe('transaction steps (transaction/document.js of @cloudbase/database 0.9.x)', () => {
  test('insert, get, update, set and delete inside a transaction: answered at the top level, applied on commit only', async () => {
    const transactionId = await start();
    const step = (action: string, params: Body): Promise<Body> => post({ action: `database.${action}`, collectionName: 'c', transactionId, ...params });

    expect(await step('insertDocInTransaction', { data: canonical({ g: 'z', n: 8 }), _id: 'new' })).toEqual({
      requestId: expect.any(String),
      inserted: '1',
      ok: '1',
    });
    const got = await step('getInTransaction', { query: { _id: { $eq: 'new' } } });
    expect(got).toEqual({ requestId: expect.any(String), data: expect.any(String) });
    expect(EJSON.parse(got.data as string)).toEqual({ _id: 'new', g: 'z', n: 8 });
    expect(await step('updateDocInTransaction', { query: { _id: { $eq: 'a' } }, data: canonical({ $inc: { n: 10 } }) })).toEqual({
      requestId: expect.any(String),
      updated: '1',
    });
    // doc.set: the whole document, upsert:true.
    const set = await step('updateDocInTransaction', { query: { _id: { $eq: 'set' } }, data: canonical({ g: 's' }), upsert: true });
    expect(set).toMatchObject({ updated: '0', upserted: expect.any(String) });
    expect(await step('deleteDocInTransaction', { query: { _id: { $eq: 'b' } } })).toEqual({ requestId: expect.any(String), deleted: '1' });

    // Nothing is visible outside before the commit.
    expect(docs().map((doc) => doc._id)).toEqual(['a', 'b', 'd']);
    expect(await post({ action: 'database.commitTransaction', transactionId })).toEqual({ requestId: expect.any(String) });
    expect(docs()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ _id: 'a', n: 11 }),
        { _id: 'new', g: 'z', n: 8 },
        { _id: 'set', g: 's' },
        expect.objectContaining({ _id: 'd' }),
      ]),
    );
    expect(docs()).toHaveLength(4);
  });

  test('a document the transaction does not see is answered as the text null', async () => {
    const transactionId = await start();
    expect(await post({ action: 'database.getInTransaction', collectionName: 'c', transactionId, query: { _id: { $eq: 'nope' } } })).toEqual({
      requestId: expect.any(String),
      data: 'null',
    });
  });

  test('abortTransaction (rollback) leaves the collection as it was', async () => {
    const transactionId = await start();
    await post({
      action: 'database.updateDocInTransaction',
      collectionName: 'c',
      transactionId,
      query: { _id: { $eq: 'a' } },
      data: canonical({ $set: { n: 99 } }),
    });
    await post({ action: 'database.deleteDocInTransaction', collectionName: 'c', transactionId, query: { _id: { $eq: 'd' } } });
    expect(await post({ action: 'database.abortTransaction', transactionId })).toEqual({ requestId: expect.any(String) });
    expect(docs()).toEqual([expect.objectContaining({ _id: 'a', n: 1 }), expect.objectContaining({ _id: 'b' }), expect.objectContaining({ _id: 'd' })]);
  });

  test('two transactions writing one document: the second is refused as a conflict, as today’s protocol is', async () => {
    const first = await start();
    const second = await start();
    const update = (transactionId: string, n: number): Promise<Body> =>
      post({ action: 'database.updateDocInTransaction', collectionName: 'c', transactionId, query: { _id: { $eq: 'a' } }, data: canonical({ $set: { n } }) });
    expect(await update(first, 5)).toMatchObject({ updated: '1' });
    expectRefusal(await update(second, 6), 'DATABASE_TRANSACTION_CONFLICT', /TransactionConflict/);
    await post({ action: 'database.commitTransaction', transactionId: first });
    expect(docs()[0]).toMatchObject({ _id: 'a', n: 5 });
  });

  test('bad steps are refused with typed errors, and nothing is written', async () => {
    const transactionId = await start();
    const before = docs();
    // Without a transactionId a step would write the collection itself.
    expectRefusal(
      await post({ action: 'database.updateDocInTransaction', collectionName: 'c', query: { _id: { $eq: 'a' } }, data: canonical({ $set: { n: 0 } }) }),
      'INVALID_PARAM',
      /transactionId/,
    );
    // Without a query it would reach every document.
    expectRefusal(await post({ action: 'database.deleteDocInTransaction', collectionName: 'c', transactionId }), 'INVALID_PARAM', /query \(or _id\)/);
    expectRefusal(
      await post({ action: 'database.updateDocInTransaction', collectionName: 'c', transactionId, query: { _id: { $eq: 'a' } }, data: { n: 1 } }),
      'INVALID_PARAM',
      /data must be an EJSON string/,
    );
    expectRefusal(
      await post({ action: 'database.insertDocInTransaction', collectionName: 'c', transactionId, data: '{"n": ' }),
      'INVALID_PARAM',
      /data is not valid EJSON/,
    );
    expectRefusal(
      await post({ action: 'database.insertDocInTransaction', collectionName: 'c', transactionId, data: canonical({ n: 1 }), _id: { bad: 1 } }),
      'INVALID_PARAM',
      /_id must be a string or a number/,
    );
    expectRefusal(
      await post({ action: 'database.getInTransaction', collectionName: 'c', transactionId: 'no-such-transaction', query: { _id: { $eq: 'a' } } }),
      'DATABASE_TRANSACTION_FAIL',
      /TransactionNotExist/,
    );
    await post({ action: 'database.commitTransaction', transactionId });
    expectRefusal(
      await post({ action: 'database.getInTransaction', collectionName: 'c', transactionId, query: { _id: { $eq: 'a' } } }),
      'DATABASE_TRANSACTION_FAIL',
      /TransactionNotExist/,
    );
    expect(docs()).toEqual(before);
  });
});
