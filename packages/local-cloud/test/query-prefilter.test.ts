import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { Long } from 'bson';
import { Query } from 'mingo/query';
import { countDocuments, selectDocuments } from '../src/sdk-backend/collection-ops';
import { MemoryCollectionStore } from '../src/sdk-backend/document-store';
import type { Doc } from '../src/sdk-backend/documents';
import { MONGO_CONTEXT } from '../src/sdk-backend/mongo-operators';

/**
 * Before mingo tests a document, the local cloud skips those whose top-level field plainly differs
 * from an equality in the filter. Skipping must never change an answer: whatever the documents and
 * the filter, what is selected and counted is what mingo's own test selects.
 */

const value = fc.oneof(
  fc.constantFrom('a', 'b', '3', '', 3, 3.5, 0, -0, NaN, true, false, null),
  fc.constantFrom([3], ['a', 'b'], [], [[3]], { x: 3 }, new Date(3), Long.fromNumber(3)),
);
const doc = fc.record({ f: value, g: value, h: fc.array(value, { maxLength: 2 }) }, { requiredKeys: [] });
const condition = fc.oneof(
  value,
  value.map(($eq) => ({ $eq })),
  value.map(($eq) => ({ $eq, $ne: 'zzz' })),
  fc.constant({ $in: [3, 'a'] }),
);
const filter = fc.record({ f: condition, g: condition, 'h.0': condition }, { requiredKeys: [] });

test('the equality pre-check selects exactly what mingo selects', () => {
  fc.assert(
    fc.property(fc.array(doc, { maxLength: 15 }), filter, (fields, where) => {
      const docs: Doc[] = fields.map((f, i) => ({ _id: i, ...f }));
      const store = new MemoryCollectionStore(docs);
      const query = new Query(where, { context: MONGO_CONTEXT, scriptEnabled: false });
      const expected = docs.filter((d) => query.test(d)).map((d) => d._id);
      expect(countDocuments(store, where)).toBe(expected.length);
      expect(selectDocuments(store, { filter: where }).map((d) => d._id)).toEqual(expected);
    }),
    { numRuns: fuzzRuns(3000) },
  );
});
