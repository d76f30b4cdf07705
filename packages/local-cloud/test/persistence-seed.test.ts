import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Long } from 'bson';
import { InvalidArgumentError } from '@wxhub/core';
import { exportData, importSeed, parseSeed, sqliteStoreFactory, SEED_FORMAT } from '../src/persistence';
import { memoryStoreFactory, type DatabaseStore } from '../src/sdk-backend/document-store';
import type { DocId } from '../src/sdk-backend/documents';
import { makeTempDir } from './fixtures/persistence/temp-dir';

const SEED_TEXT = readFileSync(join(__dirname, 'fixtures/persistence/seed.json'), 'utf8');

const ids = (store: DatabaseStore, collection: string): DocId[] => (store.collection(collection)?.documents() ?? []).map((doc) => doc._id);

describe('importSeed', () => {
  test('reads relaxed and canonical Extended JSON into the values the backend stores', () => {
    const store = memoryStoreFactory('env');
    const summary = importSeed(store, SEED_TEXT);
    expect(summary).toEqual([
      { name: 'todos', documents: 3, created: true },
      { name: 'users', documents: 2, created: true },
      { name: 'empty', documents: 0, created: true },
    ]);
    const todos = store.collection('todos');
    const t1 = todos?.get('t1');
    expect(t1?.due).toEqual(new Date(Date.UTC(2026, 4, 1, 8)));
    expect((t1?.owner as { since: unknown }).since).toEqual(new Date(1700000000000));
    expect(t1?.priority).toBe(2);

    const t2 = todos?.get('t2');
    expect(t2?.due).toEqual(new Date(-86400000));
    expect(t2?.priority).toBe(1);
    expect(Object.is(t2?.ratio, -0)).toBe(true);
    // A $numberLong that a number holds exactly becomes a number, as in a request; a bigger one stays a Long.
    expect(t2?.views).toBe(42);
    expect(t2?.bigViews).toBeInstanceOf(Long);
    expect(String(t2?.bigViews)).toBe('9007199254740993');
    expect(t2?.match).toEqual(/^rep/i);

    const generated = ids(store, 'todos')[2];
    expect(generated).toMatch(/^[0-9a-f]{32}$/);
    expect(todos?.get(generated as DocId)).toEqual({ _id: generated, title: 'no id given' });
    expect(store.collection('users')?.get(1001)?.name).toBe('Ann');
    expect(store.collection('users')?.get('1001')?.name).toBe('Ann (string id)');
    expect(store.collection('empty')?.documents()).toEqual([]);
  });

  test('replace mode leaves a seeded collection holding exactly the seed, in the seed order', () => {
    const store = memoryStoreFactory('env');
    const todos = store.createCollection('todos');
    todos.put({ _id: 't2', title: 'old version' });
    todos.put({ _id: 'stale' });
    store.createCollection('other').put({ _id: 'untouched' });
    const summary = importSeed(store, SEED_TEXT);
    expect(summary[0]).toEqual({ name: 'todos', documents: 3, created: false });
    expect(ids(store, 'todos').slice(0, 2)).toEqual(['t1', 't2']);
    expect(ids(store, 'todos')).toHaveLength(3);
    expect(ids(store, 'other')).toEqual(['untouched']);
  });

  test('merge mode replaces documents by _id and keeps the others', () => {
    const store = memoryStoreFactory('env');
    const todos = store.createCollection('todos');
    todos.put({ _id: 'mine' });
    todos.put({ _id: 't1', title: 'old version' });
    importSeed(store, SEED_TEXT, { mode: 'merge' });
    expect(ids(store, 'todos').slice(0, 3)).toEqual(['mine', 't1', 't2']);
    expect(store.collection('todos')?.get('t1')?.title).toBe('buy milk');
  });

  test.each([
    ['not JSON', '{', /not JSON/],
    ['a misspelt top-level field', '{"colections": {}}', /unknown top-level field "colections"/],
    ['another format', '{"format": "mongoexport", "collections": {}}', /format/],
    ['a newer version', '{"version": 2, "collections": {}}', /version 2/],
    ['a collection that is not an array', '{"collections": {"todos": {"_id": "a"}}}', /collections\.todos must be an array/],
    ['a document that is not an object', '{"collections": {"todos": [1]}}', /collections\.todos\[0\] must be an object/],
    ['an object _id', '{"collections": {"todos": [{"_id": {"a": 1}}]}}', /_id must be/],
    [
      'a duplicate ObjectId _id',
      '{"collections": {"todos": [{"_id": {"$oid": "64b7f0c2a1b2c3d4e5f60718"}}, {"_id": {"$oid": "64b7f0c2a1b2c3d4e5f60718"}}]}}',
      /collections\.todos\[1\]\._id \{"\$oid":"64b7f0c2a1b2c3d4e5f60718"\} appears twice/,
    ],
    ['a duplicate _id', '{"collections": {"todos": [{"_id": "a"}, {"_id": "a"}]}}', /collections\.todos\[1\]\._id "a" appears twice/],
    ['an unknown $ type', '{"collections": {"todos": [{"_id": "a", "x": {"$dat": 1}}]}}', /collections\.todos\[0\]\.x.*unknown Extended JSON type \$dat/],
    ['an invalid date', '{"collections": {"todos": [{"_id": "a", "x": {"$date": "someday"}}]}}', /collections\.todos\[0\]\.x/],
    ['an $numberInt that is not an integer', '{"collections": {"todos": [{"_id": "a", "x": {"$numberInt": "1.5"}}]}}', /x.*invalid number/],
    ['an $numberDouble that is not a number', '{"collections": {"todos": [{"_id": "a", "x": {"$numberDouble": "abc"}}]}}', /x.*invalid number/],
    ['a regex option JavaScript lacks', '{"collections": {"todos": [{"_id": "a", "x": {"$regularExpression": {"pattern": "a", "options": "x"}}}]}}', /option/],
  ])('a seed with %s is refused, naming where', (_label, text, message) => {
    let error: unknown;
    try {
      parseSeed(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
  });

  test('a seed refused part-way writes nothing, even into collections listed before the bad one', () => {
    const store = memoryStoreFactory('env');
    store.createCollection('todos').put({ _id: 'mine' });
    const text = '{"collections": {"todos": [{"_id": "a"}], "users": [{"_id": "u", "x": {"$numberInt": "nope"}}]}}';
    expect(() => importSeed(store, text)).toThrow(InvalidArgumentError);
    expect(store.collectionNames()).toEqual(['todos']);
    expect(ids(store, 'todos')).toEqual(['mine']);
  });

  test('a batch that fails drops the collections the import created', () => {
    const store = memoryStoreFactory('env');
    const unstorableInSqlite = {
      collections: [
        { name: 'fresh', documents: [{ _id: 'a' }] },
        { name: 'missing-later', documents: [] },
      ],
    };
    const failing: DatabaseStore = {
      collectionNames: () => store.collectionNames(),
      collection: (name) => store.collection(name),
      createCollection: (name) => store.createCollection(name),
      dropCollection: (name) => store.dropCollection(name),
      applyBatch: () => {
        throw new Error('disk full');
      },
    };
    expect(() => importSeed(failing, unstorableInSqlite)).toThrow('disk full');
    expect(store.collectionNames()).toEqual([]);
  });
});

describe('exportData', () => {
  test('writes the documented format: relaxed Extended JSON, collections by name, documents in natural order', () => {
    const store = memoryStoreFactory('env');
    const todos = store.createCollection('todos');
    todos.put({ _id: 'b', at: new Date(Date.UTC(2026, 0, 1)), n: 3, big: 2 ** 40, neg: -0, re: /a/i, old: new Date(-1) });
    todos.put({ _id: 'a', long: Long.fromString('9007199254740993') });
    store.createCollection('alpha');
    const exported = JSON.parse(exportData(store)) as { format: string; version: number; collections: Record<string, unknown[]> };
    expect(exported.format).toBe(SEED_FORMAT);
    expect(exported.version).toBe(1);
    expect(Object.keys(exported.collections)).toEqual(['alpha', 'todos']);
    expect(exported.collections.todos).toEqual([
      {
        _id: 'b',
        at: { $date: '2026-01-01T00:00:00Z' },
        n: 3,
        big: 2 ** 40,
        neg: { $numberDouble: '-0.0' },
        re: { $regularExpression: { pattern: 'a', options: 'i' } },
        old: { $date: { $numberLong: '-1' } },
      },
      { _id: 'a', long: { $numberLong: '9007199254740993' } },
    ]);
  });

  test('export, import into a SQLite store, restart, export: the same text and the same documents', () => {
    const source = memoryStoreFactory('env');
    importSeed(source, SEED_TEXT);
    const first = exportData(source);

    const temp = makeTempDir('seed');
    let factory = sqliteStoreFactory({ dir: temp.dir });
    try {
      importSeed(factory('env'), first);
      factory.close();
      factory = sqliteStoreFactory({ dir: temp.dir });
      const restored = factory('env');
      expect(exportData(restored)).toBe(first);
      for (const name of source.collectionNames()) {
        expect(restored.collection(name)?.documents()).toEqual(source.collection(name)?.documents());
      }
    } finally {
      factory.close();
      temp.remove();
    }
  });
});
