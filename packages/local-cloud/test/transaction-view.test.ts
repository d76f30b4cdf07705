import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { MemoryCollectionStore, MemoryDatabaseStore } from '../src/sdk-backend/document-store';
import type { Doc } from '../src/sdk-backend/documents';
import { TransactionManager } from '../src/sdk-backend/transactions';

/**
 * A transaction's view of a collection lays its own writes over the shared snapshot instead of
 * copying it. Whatever the writes, the view must read as a plain collection that received the same
 * writes would (same documents, same natural order), while the collection outside stays as it was.
 */

type Step = { kind: 'put'; id: number; v: number } | { kind: 'delete'; id: number } | { kind: 'clear' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), id: fc.integer({ min: 0, max: 7 }), v: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 7 }) }),
  fc.constant({ kind: 'clear' as const }),
);

function apply(store: { put(doc: Doc): void; delete(id: number): boolean; clear(): void }, s: Step): void {
  if (s.kind === 'put') store.put({ _id: s.id, v: s.v });
  else if (s.kind === 'delete') store.delete(s.id);
  else store.clear();
}

test('a transaction view reads like a collection that received the same writes, in the same natural order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 7 })), fc.array(step, { maxLength: 12 }), (seedIds, steps) => {
      const database = new MemoryDatabaseStore();
      const outside = database.createCollection('c');
      const seed = seedIds.map((id) => ({ _id: id, v: -1 }));
      outside.write({ put: seed, delete: [] });
      const expected = new MemoryCollectionStore(seed);

      const transactions = new TransactionManager(database);
      const id = transactions.start();
      const view = transactions.collection(id, 'c', () => new Error('missing'));
      for (const s of steps) {
        apply(view, s);
        apply(expected, s);
        expect(view.documents()).toEqual(expected.documents());
        for (const probe of [0, 3, 7]) expect(view.get(probe)).toEqual(expected.get(probe));
      }
      expect(outside.documents()).toEqual(seed);

      transactions.commit(id);
      expect(new Set(outside.documents().map((doc) => JSON.stringify(doc)))).toEqual(new Set(expected.documents().map((doc) => JSON.stringify(doc))));
    }),
    { numRuns: fuzzRuns(500) },
  );
});
