import { once } from 'node:events';
import { sqliteStoreFactory } from '../src/persistence';
import type { DatabaseStore } from '../src/sdk-backend/document-store';
import { spawnFixture } from './fixtures/persistence/child-process';
import { documentsOf, workloadWrite } from './fixtures/persistence/crash-workload';
import { makeTempDir } from './fixtures/persistence/temp-dir';

// A writer process is killed with SIGKILL in the middle of its writes; what it acknowledged must
// be on disk when the store is opened again, and no batch may be there in part.

const ENV = 'crash-env';
/** Far more writes than happen before the kill: the child is always still writing when it dies. */
const LIMIT = 1_000_000;

interface KilledRun {
  readonly lastAck: number;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly problems: readonly string[];
}

/** Runs the writer and kills it as soon as it acknowledges write `killAfter`. */
async function runWriterUntilKilled(dir: string, killAfter: number): Promise<KilledRun> {
  const child = spawnFixture('crash-writer.ts', [dir, ENV, String(LIMIT)]);
  let pending = '';
  let lastAck = -1;
  let stderr = '';
  const problems: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const ack = /^ack (\d+)$/.exec(line);
      if (!ack) continue;
      const n = Number(ack[1]);
      // Acknowledgements come in order; a gap would make "every acknowledged write" ambiguous.
      if (n !== lastAck + 1) problems.push(`ack ${n} after ack ${lastAck}`);
      lastAck = n;
      if (n === killAfter) child.kill('SIGKILL');
    }
  });
  const [, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { lastAck, signal, stderr, problems };
}

/** How many writes, counted from 0, are wholly in the store; throws on a write found in part. */
function committedWrites(store: DatabaseStore): number {
  let committed = 0;
  for (;;) {
    const expected = documentsOf(workloadWrite(committed));
    const found = expected.filter(({ collection, doc }) => store.collection(collection)?.get(doc._id) !== undefined);
    if (found.length === 0) return committed;
    if (found.length !== expected.length) {
      throw new Error(`write ${committed} is on disk in part: ${found.length} of ${expected.length} documents`);
    }
    for (const { collection, doc } of expected) expect(store.collection(collection)?.get(doc._id)).toEqual(doc);
    committed += 1;
  }
}

function expectedIds(writes: number, collection: string): string[] {
  const ids: string[] = [];
  for (let n = 0; n < writes; n += 1) {
    for (const entry of documentsOf(workloadWrite(n))) if (entry.collection === collection) ids.push(String(entry.doc._id));
  }
  return ids;
}

test.each([1, 2, 3])('round %i: every acknowledged write survives SIGKILL, and no batch is half there', async () => {
  const temp = makeTempDir('crash');
  try {
    // Even: the write after it is a batch, where a kill that lands inside would leave half.
    const killAfter = 2 * (10 + Math.floor(Math.random() * 150));
    const run = await runWriterUntilKilled(temp.dir, killAfter);
    if (run.lastAck < killAfter) throw new Error(`the writer stopped at ack ${run.lastAck}, before ack ${killAfter}: ${run.stderr}`);
    expect(run.problems).toEqual([]);
    // Killed, not finished or failed: the kill came while it was still writing.
    expect(run.signal).toBe('SIGKILL');

    const factory = sqliteStoreFactory({ dir: temp.dir });
    try {
      const store = factory(ENV);
      const committed = committedWrites(store);
      // Every acknowledged write is there; at most one more (committed, killed before its ack).
      expect(committed).toBeGreaterThanOrEqual(run.lastAck + 1);
      expect(committed).toBeLessThanOrEqual(run.lastAck + 2);
      // Nothing else is there, and natural order is the order of the writes.
      expect(
        store
          .collection('items')
          ?.documents()
          .map((doc) => doc._id),
      ).toEqual(expectedIds(committed, 'items'));
      expect(
        store
          .collection('audit')
          ?.documents()
          .map((doc) => doc._id),
      ).toEqual(expectedIds(committed, 'audit'));

      // The recovered file takes writes again and keeps them.
      store.collection('items')?.put({ _id: 'after-crash' });
      factory.close();
      const again = factory(ENV);
      expect(again.collection('items')?.documents().at(-1)?._id).toBe('after-crash');
      expect(committedWrites(again)).toBe(committed);
    } finally {
      factory.close();
    }
  } finally {
    temp.remove();
  }
});
