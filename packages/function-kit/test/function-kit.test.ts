import { ConfigError, ProtocolError } from '@wxhub/core';
import { ErrorCode, ReplyError, fail, handler, ok, readOrEmpty, rowsOf, toReply, totalOf, withCollection } from '../src';

const missing = () => Object.assign(new Error('collection.get:fail -502005 database collection not exists'), { errCode: -502005 });

/** console.error as the function log: captured, and kept off the test output. */
function capturedLog(): string[] {
  const lines: string[] = [];
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  return lines;
}

afterEach(() => jest.restoreAllMocks());

describe('replies', () => {
  test('ok and fail have the {errcode, errmsg, data?} shape', () => {
    expect(ok({ n: 1 })).toEqual({ errcode: 0, errmsg: 'success', data: { n: 1 } });
    expect(fail(ErrorCode.NOT_ALLOWED, 'no')).toEqual({ errcode: -1003, errmsg: 'no' });
    expect(Object.keys(fail(-1, 'x'))).toEqual(['errcode', 'errmsg']);
    expect(fail(ErrorCode.INVALID_INPUT, 'bad age', { field: 'age' })).toEqual({ errcode: -1001, errmsg: 'bad age', data: { field: 'age' } });
  });
});

describe('handler', () => {
  test('answers what the logic returns', async () => {
    await expect(handler(async (event: { n: number }) => ok(event.n * 2))({ n: 21 })).resolves.toEqual(ok(42));
  });

  test('a ReplyError answers as thrown, with nothing logged', async () => {
    const log = capturedLog();
    const main = handler(async () => {
      throw new ReplyError(ErrorCode.USER_EXISTS, 'user exists', { openid: 'o1' });
    });
    await expect(main({}, { request_id: 'r-1' })).resolves.toEqual({ errcode: -2001, errmsg: 'user exists', data: { openid: 'o1' } });
    expect(log).toEqual([]);
  });

  test('a typed wxhub error answers INTERNAL with its own (masked) message, logged under the request id', async () => {
    const log = capturedLog();
    const reply = await handler(async () => Promise.reject(new ConfigError('A_APPID', 'is not set')))({}, { request_id: 'r-2' });
    expect(reply).toEqual({ errcode: -9998, errmsg: 'configuration A_APPID: is not set' });
    expect(log).toEqual(['[r-2] ConfigError: configuration A_APPID: is not set']);
  });

  test('anything else answers INTERNAL without its message or stack; those go to the log only', () => {
    const log = capturedLog();
    const secret = new TypeError('cannot read x of undefined at /var/user/index.js:10');
    expect(toReply(secret, { request_id: 'r-3' })).toEqual({ errcode: -9998, errmsg: 'internal error (request r-3); see the function log' });
    expect(toReply('thrown string')).toEqual({ errcode: -9998, errmsg: 'internal error (request unknown); see the function log' });
    expect(log[0]).toContain('[r-3] unexpected failure TypeError: cannot read x of undefined');
  });
});

describe('collections', () => {
  test('withCollection creates a missing collection and runs the operation once more', async () => {
    const created: string[] = [];
    let calls = 0;
    const result = await withCollection({ createCollection: (name) => created.push(name) }, 'users', async () => {
      if (++calls === 1) throw missing();
      return 'added';
    });
    expect({ result, calls, created }).toEqual({ result: 'added', calls: 2, created: ['users'] });
  });

  test('withCollection tolerates a collection another instance just created, and rethrows other failures untouched', async () => {
    let calls = 0;
    const raced = await withCollection({ createCollection: () => Promise.reject(new Error('DATABASE_COLLECTION_ALREADY_EXIST: exists')) }, 'users', async () =>
      ++calls === 1 ? Promise.reject(missing()) : 'ok',
    );
    expect(raced).toBe('ok');
    const duplicate = new Error('collection.add:fail -502001 E11000 duplicate key');
    const created: string[] = [];
    await expect(withCollection({ createCollection: (name) => created.push(name) }, 'users', async () => Promise.reject(duplicate))).rejects.toBe(duplicate);
    expect(created).toEqual([]);
  });

  test('readOrEmpty reads a missing collection as empty, without creating it', async () => {
    await expect(readOrEmpty(() => Promise.reject(missing()), { data: [] })).resolves.toEqual({ data: [] });
    await expect(readOrEmpty(async () => ({ data: [1] }), { data: [] })).resolves.toEqual({ data: [1] });
    const other = new Error('timeout');
    await expect(readOrEmpty(() => Promise.reject(other), { data: [] })).rejects.toBe(other);
  });
});

describe('sdk results', () => {
  test('rowsOf and totalOf check the shape instead of trusting a cast', () => {
    expect(rowsOf<{ n: number }>({ data: [{ n: 1 }] })).toEqual([{ n: 1 }]);
    expect(totalOf({ total: 3 })).toBe(3);
    expect(() => rowsOf('callback overload string')).toThrow(ProtocolError);
    expect(() => totalOf({ total: '3' })).toThrow('a count result without a total');
  });
});
