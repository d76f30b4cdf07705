import { isDuplicateKey, withCollection } from '@wxhub/function-kit';

export const DEDUPE_COLLECTION = 'push_dedupe';

/** The part of `cloud.database()` this needs. */
export interface DedupeDatabase {
  collection(name: string): { add(options: { data: Record<string, unknown> }): unknown };
  createCollection(name: string): unknown;
  serverDate(): unknown;
}

/**
 * Records a push in `push_dedupe` under its key as `_id`: the database refuses a second document
 * with the same `_id`, so of two concurrent deliveries exactly one claims it. `at` lets an
 * operator expire old records (the collection grows by one small document per answered push).
 */
export async function claimPush(db: DedupeDatabase, key: string): Promise<boolean> {
  try {
    await withCollection(db, DEDUPE_COLLECTION, () => db.collection(DEDUPE_COLLECTION).add({ data: { _id: key, at: db.serverDate() } }));
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
