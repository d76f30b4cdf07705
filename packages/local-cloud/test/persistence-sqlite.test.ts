import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decimal128, Long, ObjectId } from 'bson';
import { InvalidArgumentError } from '@wxhub/core';
import { sqliteStoreFactory, StoreFileError, StoreLockedError, type SqliteStoreFactory } from '../src/persistence';
import { BackendCode, CloudBackendError } from '../src/sdk-backend/backend-error';
import type { DatabaseStore } from '../src/sdk-backend/document-store';
import type { Doc, DocId } from '../src/sdk-backend/documents';
import { runFixture } from './fixtures/persistence/child-process';
import { makeTempDir } from './fixtures/persistence/temp-dir';

const ENV = 'env-1a2b3c';

let temp: ReturnType<typeof makeTempDir>;
let factory: SqliteStoreFactory;

beforeEach(() => {
  temp = makeTempDir('sqlite');
  factory = sqliteStoreFactory({ dir: temp.dir });
});

afterEach(() => {
  factory.close();
  temp.remove();
});

/** Closes the store and opens the file again, as a restarted local cloud would. */
function restart(): DatabaseStore {
  factory.close();
  factory = sqliteStoreFactory({ dir: temp.dir });
  return factory(ENV);
}

const ids = (store: DatabaseStore, collection: string): DocId[] => (store.collection(collection)?.documents() ?? []).map((doc) => doc._id);

function refusal(write: () => void): CloudBackendError {
  try {
    write();
  } catch (error) {
    if (error instanceof CloudBackendError) return error;
    throw error;
  }
  throw new Error('the write was accepted');
}

describe('what survives a restart', () => {
  test('every value type comes back as it went in: Dates, RegExps, nested values, numbers, bson values', () => {
    const store = factory(ENV);
    const doc: Doc = {
      _id: 'all-types',
      text: '中文 and "quotes"',
      yes: true,
      nothing: null,
      int: 42,
      fraction: 1.5,
      negativeZero: -0,
      notANumber: NaN,
      infinite: Infinity,
      minusInfinite: -Infinity,
      beyondInt32: 2 ** 40,
      beyondSafe: 2 ** 60,
      long: Long.fromString('9007199254740993'),
      objectId: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
      decimal: Decimal128.fromString('1.10'),
      created: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
      before1970: new Date(-1e12),
      pattern: /^wx[a-z]+\.\d$/imsu,
      nested: { level: { deeper: [1, { at: new Date(7), re: /x/ }, ['a', null]] } },
      emptyObject: {},
      emptyArray: [],
    };
    store.createCollection('things').put(doc);

    const back = restart().collection('things')?.get('all-types');
    expect(back).toEqual(doc);
    expect(Object.is(back?.negativeZero, -0)).toBe(true);
    expect(typeof back?.beyondInt32).toBe('number');
    expect(typeof back?.beyondSafe).toBe('number');
    expect(back?.long).toBeInstanceOf(Long);
    expect(String(back?.long)).toBe('9007199254740993');
    expect(back?.created).toBeInstanceOf(Date);
    expect((back?.created as Date).toISOString()).toBe('2026-01-02T03:04:05.006Z');
    expect(back?.pattern).toBeInstanceOf(RegExp);
    expect((back?.pattern as RegExp).flags).toBe('imsu');
    expect(Object.keys(back ?? {})).toEqual(Object.keys(doc));
  });

  test('natural order survives: a replaced document keeps its place, a re-inserted one is last', () => {
    const store = factory(ENV);
    const todos = store.createCollection('todos');
    for (const id of ['a', 'b', 'c', 'd']) todos.put({ _id: id, v: 0 });
    todos.put({ _id: 'b', v: 1 });
    todos.delete('a');
    todos.put({ _id: 'a', v: 2 });
    store.createCollection('empty');
    store.createCollection('gone').put({ _id: 'x' });
    store.dropCollection('gone');

    const reopened = restart();
    expect(reopened.collectionNames()).toEqual(['todos', 'empty']);
    expect(ids(reopened, 'todos')).toEqual(['b', 'c', 'd', 'a']);
    expect(reopened.collection('todos')?.get('b')).toEqual({ _id: 'b', v: 1 });

    // Writes after the restart continue the order rather than restarting it.
    const todosAgain = reopened.collection('todos');
    todosAgain?.put({ _id: 'e' });
    todosAgain?.put({ _id: 'c', v: 3 });
    expect(ids(restart(), 'todos')).toEqual(['b', 'c', 'd', 'a', 'e']);
  });

  test('number and string ids stay apart on disk', () => {
    const todos = factory(ENV).createCollection('todos');
    todos.put({ _id: 7, kind: 'number' });
    todos.put({ _id: '7', kind: 'string' });
    todos.put({ _id: 2.5 });
    const reopened = restart().collection('todos');
    expect(reopened?.get(7)?.kind).toBe('number');
    expect(reopened?.get('7')?.kind).toBe('string');
    expect(reopened?.get(2.5)).toEqual({ _id: 2.5 });
  });

  test('after a restart, get still hands back one object per id until it is written', () => {
    factory(ENV).createCollection('todos').put({ _id: 'a', n: 1 });
    const todos = restart().collection('todos');
    const first = todos?.get('a');
    expect(todos?.get('a')).toBe(first);
    expect(todos?.documents()[0]).toBe(first);
  });

  test('clear and applyBatch are on disk', () => {
    const store = factory(ENV);
    const todos = store.createCollection('todos');
    const log = store.createCollection('log');
    for (const id of ['a', 'b']) todos.put({ _id: id });
    log.put({ _id: 'old' });
    log.clear();
    store.applyBatch([
      { collection: 'todos', delete: ['a'], put: [{ _id: 'c', at: new Date(3) }] },
      { collection: 'log', delete: [], put: [{ _id: 'entry' }] },
    ]);
    const reopened = restart();
    expect(ids(reopened, 'todos')).toEqual(['b', 'c']);
    expect(reopened.collection('todos')?.get('c')).toEqual({ _id: 'c', at: new Date(3) });
    expect(ids(reopened, 'log')).toEqual(['entry']);
  });
});

describe('all or nothing', () => {
  test('one collection’s write(batch) whose last document cannot be stored leaves nothing, in memory or on disk', () => {
    const store = factory(ENV);
    const todos = store.createCollection('todos');
    todos.put({ _id: 'keep', v: 0 });
    const kept = todos.get('keep');
    const error = refusal(() =>
      todos.write({
        delete: ['keep'],
        put: [...Array.from({ length: 50 }, (_unused, i) => ({ _id: `new-${i}` })), { _id: 'bad', when: new Date(NaN) }],
      }),
    );
    expect(error.code).toBe(BackendCode.INVALID_PARAM);
    expect(todos.get('keep')).toBe(kept);
    expect(ids(store, 'todos')).toEqual(['keep']);
    expect(ids(restart(), 'todos')).toEqual(['keep']);
  });

  test('a batch whose second write cannot be stored leaves nothing, in memory or on disk', () => {
    const store = factory(ENV);
    const todos = store.createCollection('todos');
    store.createCollection('log');
    todos.put({ _id: 'keep', v: 0 });
    const kept = todos.get('keep');
    const error = refusal(() =>
      store.applyBatch([
        // The first write reaches SQLite; the second throws while encoding, inside the transaction.
        {
          collection: 'todos',
          delete: ['keep'],
          put: [
            { _id: 'new', v: 1 },
            { _id: 'bad', when: new Date(NaN) },
          ],
        },
        { collection: 'log', delete: [], put: [{ _id: 'entry' }] },
      ]),
    );
    expect(error.code).toBe(BackendCode.INVALID_PARAM);
    expect(error.message).toMatch(/when.*invalid Date/);
    expect(todos.get('keep')).toBe(kept);
    expect(ids(store, 'todos')).toEqual(['keep']);
    expect(ids(store, 'log')).toEqual([]);

    const reopened = restart();
    expect(ids(reopened, 'todos')).toEqual(['keep']);
    expect(ids(reopened, 'log')).toEqual([]);
  });

  test.each([
    ['a RegExp with the g flag', { re: /x/g }, /re.*flag/],
    ['an invalid Date', { at: new Date(NaN) }, /at.*invalid Date/],
    ['a Map', { lookup: new Map([['a', 1]]) }, /lookup.*Map/],
    ['a field named like an Extended JSON type', { nested: { $date: 1 } }, /nested\.\$date/],
  ])('put refuses %s with INVALID_PARAM and writes nothing', (_label, fields, message) => {
    const todos = factory(ENV).createCollection('todos');
    todos.put({ _id: 'x', v: 1 });
    const error = refusal(() => todos.put({ _id: 'x', ...fields }));
    expect(error.code).toBe(BackendCode.INVALID_PARAM);
    expect(error.message).toMatch(message);
    expect(todos.get('x')).toEqual({ _id: 'x', v: 1 });
    expect(restart().collection('todos')?.get('x')).toEqual({ _id: 'x', v: 1 });
  });
});

describe('files and settings', () => {
  test('each environment is <dir>/<envId>.sqlite, running WAL, synchronous FULL, exclusive locking', () => {
    const store = factory(ENV);
    factory('env-other');
    expect(store.file).toBe(join(temp.dir, `${ENV}.sqlite`));
    expect(existsSync(join(temp.dir, `${ENV}.sqlite`))).toBe(true);
    expect(existsSync(join(temp.dir, 'env-other.sqlite'))).toBe(true);
    expect(store.settings).toEqual({ journalMode: 'wal', synchronous: 'FULL', lockingMode: 'exclusive' });
  });

  test('the factory hands back the open store for an environment it already opened', () => {
    expect(factory(ENV)).toBe(factory(ENV));
  });

  test.each(['', '../escape', 'a/b', '.hidden', 'a b'])('an environment id that is not a plain file name (%j) is refused', (envId) => {
    expect(() => factory(envId)).toThrow(InvalidArgumentError);
  });

  test('a store that has been closed refuses writes', () => {
    const store = factory(ENV);
    const todos = store.createCollection('todos');
    store.close();
    expect(() => todos.put({ _id: 'a' })).toThrow(/closed/);
  });

  test('the store of a dropped collection refuses writes rather than writing into its successor', () => {
    const store = factory(ENV);
    const old = store.createCollection('todos');
    store.dropCollection('todos');
    const successor = store.createCollection('todos');
    expect(() => old.put({ _id: 'a' })).toThrow(/dropped/);
    expect(successor.documents()).toEqual([]);
    expect(ids(restart(), 'todos')).toEqual([]);
  });

  test('a zero-length database file is refused with a clear message, not opened as an empty environment (issue 10, item 10)', () => {
    const store = factory(ENV);
    store.createCollection('todos').put({ _id: 'a' });
    store.close();
    const file = join(temp.dir, `${ENV}.sqlite`);
    writeFileSync(file, '');
    expect(() => factory(ENV)).toThrow(StoreFileError);
    expect(() => factory(ENV)).toThrow(/is empty \(0 bytes\).*delete it to start this environment empty/);
    expect(statSync(file).size).toBe(0);
  });

  test("a file's page uploader survives a restart; a version-1 file (no uploaders) is migrated in place, its files kept", () => {
    const store = factory(ENV);
    const file = (path: string, owner?: string) => ({
      path,
      content: Buffer.from(path),
      contentType: 'text/plain',
      uploadedAt: 1,
      etag: 'e',
      ...(owner ? { owner } : {}),
    });
    store.files().put(file('by-page.txt', 'oUserX'));
    store.files().put(file('by-function.txt'));
    factory.close();
    factory = sqliteStoreFactory({ dir: temp.dir });
    const again = factory(ENV);
    expect(again.files().get('by-page.txt')).toMatchObject({ owner: 'oUserX' });
    expect(again.files().get('by-function.txt')).not.toHaveProperty('owner');
    factory.close();

    // What a version-1 local cloud wrote: the files table without the owner column.
    const path = join(temp.dir, 'env-v1.sqlite');
    const old = new Database(path);
    old.exec(`CREATE TABLE collections (name TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE) STRICT;
      CREATE TABLE documents (collection TEXT NOT NULL REFERENCES collections (name), id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id)) STRICT;
      CREATE TABLE files (path TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, content BLOB NOT NULL, content_type TEXT NOT NULL, uploaded_at INTEGER NOT NULL, etag TEXT NOT NULL) STRICT;
      INSERT INTO files VALUES ('old.txt', 1, x'6f6c64', 'text/plain', 5, 'e1');`);
    old.pragma('application_id = 2004379746'); // 'wxhb'
    old.pragma('user_version = 1');
    old.close();
    factory = sqliteStoreFactory({ dir: temp.dir });
    const migrated = factory('env-v1');
    expect(migrated.files().get('old.txt')).toEqual({ path: 'old.txt', content: Buffer.from('old'), contentType: 'text/plain', uploadedAt: 5, etag: 'e1' });
    migrated.files().put(file('new.txt', 'oUserY'));
    expect(migrated.files().paths()).toEqual(['old.txt', 'new.txt']);
    factory.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    check.close();
  });

  test('a file that is not a local cloud database is refused, not written into', () => {
    writeFileSync(join(temp.dir, 'notes.sqlite'), 'just some text, long enough to be read as a header by SQLite.......');
    expect(() => factory('notes')).toThrow(StoreFileError);

    const foreign = new Database(join(temp.dir, 'foreign.sqlite'));
    foreign.exec('CREATE TABLE people (name TEXT)');
    foreign.close();
    expect(() => factory('foreign')).toThrow(/another program/);
  });
});

describe('one writer at a time', () => {
  test('a second store on the same file in this process fails with StoreLockedError until the first closes', () => {
    factory(ENV).createCollection('todos');
    const second = sqliteStoreFactory({ dir: temp.dir });
    try {
      expect(() => second(ENV)).toThrow(StoreLockedError);
      factory.close();
      expect(second(ENV).collectionNames()).toEqual(['todos']);
    } finally {
      second.close();
    }
  });

  test('another process cannot open a store this process holds, and can once it is closed', async () => {
    factory(ENV).createCollection('todos');
    const whileHeld = JSON.parse(await runFixture('open-store.ts', [temp.dir, ENV])) as Record<string, unknown>;
    expect(whileHeld).toMatchObject({ opened: false, name: 'StoreLockedError', code: 'STORE_LOCKED' });
    expect(String(whileHeld.message)).toContain(`${ENV}.sqlite`);

    factory.close();
    const afterClose = JSON.parse(await runFixture('open-store.ts', [temp.dir, ENV])) as Record<string, unknown>;
    expect(afterClose).toEqual({ opened: true, collections: ['todos'] });
  });
});
