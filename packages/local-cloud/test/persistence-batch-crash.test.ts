import { once } from 'node:events';
import { sqliteStoreFactory } from '../src/persistence';
import { spawnFixture } from './fixtures/persistence/child-process';
import { makeTempDir } from './fixtures/persistence/temp-dir';

// Issue 10 item 8: a 1,000-document batch insert killed (SIGKILL) in the middle of its writes
// left 891 documents, each having committed on its own. A batch is one storage transaction: after
// the kill it is wholly absent, and a batch that was answered is wholly there.

const ENV = 'batch-crash-env';
const COLLECTION = 'items';
const BATCH = 1000;

interface Child {
  readonly url: string;
  waitFor(line: string): Promise<void>;
  kill(): Promise<NodeJS.Signals | null>;
}

async function startServer(dir: string, stallAt: number): Promise<Child> {
  const child = spawnFixture('batch-insert-server.ts', [dir, ENV, COLLECTION, String(stallAt)]);
  const lines: string[] = [];
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  let pending = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.line))) waiter.resolve();
    }
  });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = (line: string): Promise<void> =>
    lines.some((seen) => seen.startsWith(line))
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiters.push({ line, resolve })),
          closed.then(([code]) => {
            throw new Error(`the server exited (${code}) before printing "${line}": ${stderr}`);
          }),
        ]);
  await waitFor('url ');
  const url = (lines.find((line) => line.startsWith('url ')) ?? '').slice(4);
  return {
    url,
    waitFor,
    async kill() {
      child.kill('SIGKILL');
      const [, signal] = await closed;
      return signal;
    },
  };
}

/** The SDK's insertDocument action: documents as EJSON strings (plain JSON is valid EJSON). */
async function insert(url: string, docs: ReadonlyArray<Record<string, unknown>>): Promise<unknown> {
  const response = await fetch(`${url}?env=${ENV}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'database.insertDocument', collectionName: COLLECTION, data: docs.map((doc) => JSON.stringify(doc)) }),
  });
  return response.json();
}

const batch = Array.from({ length: BATCH }, (_unused, i) => ({ _id: `batch-${i}`, i, payload: 'x'.repeat(64) }));

function storedIds(dir: string): string[] {
  const factory = sqliteStoreFactory({ dir });
  try {
    return (
      factory(ENV)
        .collection(COLLECTION)
        ?.documents()
        .map((doc) => String(doc._id)) ?? []
    );
  } finally {
    factory.close();
  }
}

test.each([2, 500, BATCH])(
  'SIGKILL after row %i of a 1,000-document batch insert leaves none of the batch, and the write answered before it intact',
  async (row) => {
    const temp = makeTempDir('batch-crash');
    try {
      // Row 1 is the single insert answered before the batch; the batch's rows are 2..1001.
      const server = await startServer(temp.dir, 1 + row);
      expect(await insert(server.url, [{ _id: 'before' }])).toMatchObject({ data: { insertedIds: ['before'] } });
      const answer = insert(server.url, batch).catch((error: unknown) => error);
      await server.waitFor('stalled');
      expect(await server.kill()).toBe('SIGKILL');
      // The request never got an answer: the process died with the batch's rows written but not committed.
      // (fetch's TypeError comes from Node's realm, not jest's: checked by name.)
      expect(await answer).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
      expect(storedIds(temp.dir)).toEqual(['before']);
    } finally {
      temp.remove();
    }
  },
);

test('a 1,000-document batch insert that was answered is wholly there after SIGKILL', async () => {
  const temp = makeTempDir('batch-crash');
  try {
    const server = await startServer(temp.dir, Number.MAX_SAFE_INTEGER);
    expect(await insert(server.url, batch)).toMatchObject({ data: { insertedIds: batch.map((doc) => doc._id) } });
    expect(await server.kill()).toBe('SIGKILL');
    expect(storedIds(temp.dir)).toEqual(batch.map((doc) => doc._id));
  } finally {
    temp.remove();
  }
});
