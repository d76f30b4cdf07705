import { isMissingCollection } from './database-errors';

/** The part of `cloud.database()` this needs. */
export interface CollectionCreator {
  createCollection(name: string): unknown;
}

/**
 * Runs a database operation on `name`; if the collection does not exist yet (-502005), creates
 * it and runs the operation once more. A fresh environment then needs no manual set-up, and a
 * race between two instances creating it is harmless.
 */
export async function withCollection<T>(db: CollectionCreator, name: string, operation: () => T): Promise<Awaited<T>> {
  try {
    return await operation();
  } catch (error) {
    if (!isMissingCollection(error)) throw error;
    try {
      await db.createCollection(name);
    } catch (createError) {
      // Another instance created it a moment ago; any other failure shows on the retry.
      if (!/exist/i.test(String((createError as Error)?.message))) throw createError;
    }
    return await operation();
  }
}

/**
 * Runs a read; a collection that does not exist yet (-502005) reads as `empty`, and is not
 * created. The result is `unknown` (the SDK's typings are unions): narrow it with rowsOf/totalOf.
 */
export async function readOrEmpty(read: () => unknown, empty: unknown): Promise<unknown> {
  try {
    return await read();
  } catch (error) {
    if (!isMissingCollection(error)) throw error;
    return empty;
  }
}
