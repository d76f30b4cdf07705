import { InvalidArgumentError, ProtocolError } from '@wxhub/core';
import type { LocalCloud } from '@wxhub/local-cloud';
import { WeChatApiError, type WeChatQuery } from '@wxhub/wechat';
import * as fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { $, _, CloudHttpClient, geoPoint, queryBuilder, serverDate, type DataValue, type DocumentRow } from '../src';
import { APP_A, APP_B, clientFor, startCloud, wechatFor } from './support/local-cloud-client';

// CloudHttpClient against the local cloud's tcb/* HTTP API: tokens from the emulator through a
// TokenCache, queries made by the builder (and raw strings), results parsed and typed.

let cloud: LocalCloud;
let client: CloudHttpClient;

beforeAll(async () => {
  cloud = await startCloud();
  client = clientFor(cloud);
});

afterAll(() => cloud.stop());

beforeEach(() => {
  cloud.backend.database(APP_A.envId).clear();
  cloud.backend.database(APP_B.envId).clear();
});

const db = () => cloud.backend.database(APP_A.envId);

describe('functions', () => {
  test('invokeFunction sends the event and answers the parsed result', async () => {
    const result = await client.invokeFunction<{ got: Record<string, unknown>; at: string }>('echo-event', { order: 'o-1', items: [1, 2] });
    expect(result.got).toEqual({ order: 'o-1', items: [1, 2], userInfo: { appId: APP_A.appid } });
    expect(result.at).toBe(new Date(0).toISOString());
  });

  test('a function that throws is a WeChatApiError with the function errcode', async () => {
    const failure = await client.invokeFunction('fails').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WeChatApiError);
    expect((failure as WeChatApiError).errcode).toBe(-504002);
    expect((failure as WeChatApiError).errmsg).toContain('the order does not exist');
  });

  test("another app's environment is refused", async () => {
    const intruder = clientFor(cloud, APP_B, APP_A.envId);
    await expect(intruder.invokeFunction('echo-event')).rejects.toMatchObject({ errcode: -501000 });
  });
});

describe('database', () => {
  const todos = () => queryBuilder.collection('todos');

  beforeEach(() => client.createCollection('todos'));

  test('add and query round-trip documents with Dates, server dates and geo points', async () => {
    const due = new Date('2026-09-01T08:30:00.000Z');
    const { ids } = await client.add(
      todos().add({
        data: [
          { _id: 't1', title: 'write report', due, tags: ['work'], location: geoPoint(113.3, 23.1), createdAt: serverDate() },
          { _id: 't2', title: 'buy milk', due: new Date('2026-08-01T00:00:00.000Z'), tags: [], done: true },
        ],
      }),
    );
    expect(ids).toEqual(['t1', 't2']);

    const { data, pager } = await client.query<DocumentRow>(todos().where({ title: 'write report' }).get());
    expect(pager).toEqual({ offset: 0, limit: 10, total: 1 });
    expect(data).toEqual([
      {
        _id: 't1',
        title: 'write report',
        due,
        tags: ['work'],
        location: { type: 'Point', coordinates: [113.3, 23.1] },
        createdAt: new Date(cloud.clock.now()),
      },
    ]);
    expect(data[0]?.due).toBeInstanceOf(Date);
  });

  test('count, update with commands, doc().set() upsert, delete', async () => {
    await client.add(todos().add({ data: [1, 2, 3, 4, 5].map((n) => ({ _id: `t${n}`, n, done: n % 2 === 0 })) }));
    expect(await client.count(todos().where({ done: false }).count())).toBe(3);

    expect(
      await client.update(
        todos()
          .where({ n: _.gte(4) })
          .update({ data: { n: _.inc(10), touched: true } }),
      ),
    ).toEqual({ matched: 2, modified: 2 });
    expect(
      db()
        .find('todos', { touched: true })
        .map((doc) => doc.n),
    ).toEqual([14, 15]);

    expect(
      await client.update(
        todos()
          .doc('t9')
          .set({ data: { n: 9 } }),
      ),
    ).toEqual({ matched: 0, modified: 0, upsertedId: 't9' });
    expect(
      await client.update(
        todos()
          .doc('t9')
          .set({ data: { n: 99 } }),
      ),
    ).toEqual({ matched: 1, modified: 1 });

    expect(await client.delete(todos().where({ done: true }).remove())).toEqual({ deleted: 2 });
    expect(await client.delete(todos().doc('t1').remove())).toEqual({ deleted: 1 });
    expect(
      db()
        .find('todos')
        .map((doc) => doc._id),
    ).toEqual(['t3', 't5', 't9']);
  });

  test('query pages with orderBy, skip, limit and field', async () => {
    await client.add(todos().add({ data: Array.from({ length: 25 }, (_unused, i) => ({ _id: `t${String(i).padStart(2, '0')}`, n: i, secret: 'x' })) }));
    const { data, pager } = await client.query<{ _id: string; n: number }>(
      todos()
        .where({ n: _.gte(5) })
        .orderBy('n', 'desc')
        .skip(3)
        .limit(4)
        .field({ n: true })
        .get(),
    );
    expect(pager).toEqual({ offset: 3, limit: 4, total: 20 });
    // n 24..5 descending, three skipped, four taken.
    expect(data).toEqual([21, 20, 19, 18].map((n) => ({ _id: `t${n}`, n })));
  });

  test('aggregate with $ operators', async () => {
    await client.add(
      queryBuilder.collection('todos').add({
        data: [
          { owner: 'li', hours: 2 },
          { owner: 'li', hours: 3 },
          { owner: 'han', hours: 7 },
        ],
      }),
    );
    const rows = await client.aggregate<{ _id: string; hours: number; tasks: number }>(
      todos()
        .aggregate()
        .group({ _id: '$owner', hours: $.sum('$hours'), tasks: $.sum(1) })
        .sort({ hours: -1 })
        .end(),
    );
    expect(rows).toEqual([
      { _id: 'han', hours: 7, tasks: 1 },
      { _id: 'li', hours: 5, tasks: 2 },
    ]);
  });

  test('collections: list with counts, delete', async () => {
    await client.createCollection('logs');
    await client.add(queryBuilder.collection('logs').add({ data: { line: 'started' } }));
    const list = await client.listCollections();
    expect(list.pager).toEqual({ offset: 0, limit: 10, total: 2 });
    expect(list.collections.map((c) => [c.name, c.count])).toEqual([
      ['logs', 1],
      ['todos', 0],
    ]);
    // BSON of {_id: 32 hex characters, line: 'started'}: 4 + (1+4+4+33) + (1+5+4+8) + 1 bytes.
    expect(list.collections[0]?.size).toBe(65);
    await client.deleteCollection('logs');
    expect(db().listCollections()).toEqual(['todos']);
  });

  test('refusals are WeChatApiErrors with the cloud errcode', async () => {
    await expect(client.query(queryBuilder.collection('missing').get())).rejects.toMatchObject({ errcode: -502005 });
    await expect(client.createCollection('todos')).rejects.toBeInstanceOf(WeChatApiError);
    // A raw string is accepted as it is, and refused by the server when it is not a query.
    await expect(client.delete('db.collection("todos").get(); db.collection("todos").remove()')).rejects.toMatchObject({ errcode: -502002 });
    await expect(client.update(todos().get())).rejects.toMatchObject({ errcode: 40097 });
    await expect(client.query('  ')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('hostile values made by the builder', () => {
  // Strings full of quotes, backslashes, code, template and comment syntax, and any Unicode.
  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '"); db.collection("victims").where({}).remove(); ("',
      "'); process.exit(1); ('",
      '`${process.exit(1)}`',
      '*/ db.collection("victims").remove() /*',
      '\\", $where: "sleep(1000)',
      '\u2028\u2029\u0000\uFEFF',
      '{"$date": 0}',
      '__proto__',
    ),
    fc.mixedCase(fc.constantFrom('require("child_process")', 'new Function("return this")()', 'constructor.constructor')),
  );
  const value = fc.letrec<{ v: DataValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      nasty,
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.date({ min: new Date(-8.64e14), max: new Date(8.64e14), noInvalidDate: true }),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'note', 'x_y', '中文'), tie('v'), { maxKeys: 3 }),
    ),
  })).v;

  beforeEach(() => {
    db().createCollection('victims');
    db().insert('victims', [{ _id: 'canary', alive: true }]);
  });

  test('are stored and read back exactly, and never act as code', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(nasty, value, async (note, payload) => {
        n += 1;
        const id = `doc-${n}`;
        const { ids } = await client.add(queryBuilder.collection('victims').add({ data: { _id: id, note, payload } }));
        expect(ids).toEqual([id]);
        // The stored document is exactly what was sent.
        const stored = db().find('victims', { _id: id });
        expect(stored).toEqual([{ _id: id, note, payload }]);
        // The hostile string works as a filter value too, and reads back unchanged.
        const { data } = await client.query(queryBuilder.collection('victims').where({ _id: id, note }).get());
        expect(data).toEqual([{ _id: id, note, payload }]);
        // Nothing else happened to the collection.
        expect(db().count('victims')).toBe(n + 1);
        expect(db().find('victims', { _id: 'canary' })).toEqual([{ _id: 'canary', alive: true }]);
      }),
      // 200 round trips (FUZZ_RUNS for more): 1,000 took 2,000 requests against a growing
      // collection, past jest's limit on a loaded machine.
      { numRuns: fuzzRuns(200) },
    );
  });
});

describe('storage', () => {
  const CONTENT = Buffer.from(Array.from({ length: 200 * 1024 + 17 }, (_unused, i) => (i * 31) % 256));

  test('upload in two steps with progress, temporary URL that serves the bytes, delete', async () => {
    const progress: Array<[number, number]> = [];
    const { fileId } = await client.upload('reports/2026/q1.bin', CONTENT, { onProgress: (sent, total) => progress.push([sent, total]) });
    expect(fileId).toMatch(/^cloud:\/\/a-env-1a2b3c\..+\/reports\/2026\/q1\.bin$/);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every(([, total]) => total === CONTENT.length)).toBe(true);
    expect(progress.map(([sent]) => sent)).toEqual([...progress.map(([sent]) => sent)].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toEqual([CONTENT.length, CONTENT.length]);

    const [link] = await client.downloadUrls([fileId], 600);
    expect(link).toMatchObject({ fileId, ok: true, status: 0 });
    const downloaded = await fetch(link?.url ?? '');
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(CONTENT)).toBe(true);

    expect(await client.deleteFiles([fileId])).toEqual([{ fileId, ok: true, status: 0, errmsg: 'ok' }]);
    const [gone] = await client.downloadUrls([fileId]);
    expect(gone).toMatchObject({ fileId, ok: false, url: '', status: -503003 });
  });

  test('an empty file uploads too', async () => {
    const { fileId } = await client.upload('empty.txt', new Uint8Array(0), { contentType: 'text/plain' });
    const [link] = await client.downloadUrls([fileId]);
    const downloaded = await fetch(link?.url ?? '');
    expect(downloaded.headers.get('content-type')).toBe('text/plain');
    expect((await downloaded.arrayBuffer()).byteLength).toBe(0);
  });

  test('a refused byte upload is a CosUploadError without the credentials in its message', async () => {
    // A backend that hands out an upload grant whose signature COS will not accept.
    const wechat = wechatFor(cloud);
    const grants: Array<Record<string, unknown>> = [];
    const tampering = new CloudHttpClient({
      env: APP_A.envId,
      wechat: {
        post: async <T extends object>(path: string, body: unknown, query?: WeChatQuery): Promise<T> => {
          const answer = await wechat.post(path, body, query);
          if (path !== '/tcb/uploadfile') return answer as T;
          grants.push(answer);
          return { ...answer, authorization: 'forged-signature' } as unknown as T;
        },
      },
    });
    const failure = await tampering.upload('x.bin', CONTENT.subarray(0, 10)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'COS_UPLOAD', status: 403, cosCode: 'SignatureDoesNotMatch' });
    const token = String(grants[0]?.token);
    // The whole credential (96 random bytes, base64), so the checks below test something.
    expect(token).toMatch(/^[A-Za-z0-9+/]{128}$/);
    expect((failure as Error).message).not.toContain(token);
    expect((failure as Error).message).not.toContain('forged-signature');
  });

  test('argument mistakes are refused before anything is sent', async () => {
    await expect(client.upload('/absolute.bin', CONTENT)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.downloadUrls([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.downloadUrls(['cloud://x'], 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.deleteFiles([''])).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('malformed answers', () => {
  const answering = (answer: Record<string, unknown>) =>
    new CloudHttpClient({ env: 'e', wechat: { post: async <T extends object>(): Promise<T> => answer as unknown as T } });

  test('are ProtocolErrors naming the field', async () => {
    await expect(answering({ errcode: 0 }).query('db.collection("a").get()')).rejects.toThrow(ProtocolError);
    await expect(answering({ errcode: 0, data: ['{not json'], pager: { Offset: 0, Limit: 10, Total: 1 } }).query('db.collection("a").get()')).rejects.toThrow(
      /data\[0\] is not valid JSON/,
    );
    await expect(answering({ errcode: 0, data: [], pager: { Offset: 0, Limit: '10', Total: 1 } }).query('db.collection("a").get()')).rejects.toThrow(/Limit/);
    await expect(answering({ errcode: 0, resp_data: 'nope' }).invokeFunction('f')).rejects.toThrow(/resp_data is not JSON/);
    await expect(answering({ errcode: 0, id_list: [{}] }).add('db.collection("a").add({data: {}})')).rejects.toThrow(/id_list\[0\]/);
    await expect(answering({ errcode: 0, file_list: [{ fileid: 'f' }] }).downloadUrls(['f'])).rejects.toThrow(/status/);
  });
});
