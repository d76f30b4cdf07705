import { InvalidArgumentError } from '@wxhub/core';
import { idKey, isDocId, isPlainObject, newDocumentId, withId, type Doc } from '../sdk-backend/documents';
import { fromEjsonTree, toEjsonTree } from '../sdk-backend/document-codec';

/**
 * The seed / export file: JSON, each collection an array of documents in natural order, values
 * in MongoDB Extended JSON v2 (https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/).
 *
 *   {
 *     "format": "wxhub-local-cloud-seed",
 *     "version": 1,
 *     "collections": {
 *       "todos": [
 *         { "_id": "t1", "title": "milk", "due": { "$date": "2024-05-01T08:00:00Z" }, "n": 3 }
 *       ]
 *     }
 *   }
 *
 * Export writes the relaxed form (plain JSON numbers; `{"$date": "<ISO-8601>"}` for years
 * 1970-9999, `{"$date": {"$numberLong": "<ms>"}}` otherwise; `{"$numberDouble": "-0.0" | "NaN" |
 * "Infinity"}` for the numbers JSON cannot hold; `{"$numberLong": "..."}` for a Long;
 * `{"$regularExpression": {"pattern", "options"}}`). Import reads relaxed and canonical alike; a
 * `$numberLong` that fits a number exactly becomes a number, as it does in a request.
 * `format` and `version` may be left out of a hand-written seed. A document without `_id` gets a
 * generated one.
 */

export const SEED_FORMAT = 'wxhub-local-cloud-seed';
export const SEED_VERSION = 1;

export interface SeedCollection {
  readonly name: string;
  /** In natural order. */
  readonly documents: readonly Doc[];
}

export interface Seed {
  readonly collections: readonly SeedCollection[];
}

const TOP_LEVEL_KEYS = new Set(['format', 'version', 'collections']);

export function parseSeed(text: string, newId: () => string = newDocumentId): Seed {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw invalidSeed(`not JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(root)) throw invalidSeed('must be a JSON object with "collections"');
  for (const key of Object.keys(root)) if (!TOP_LEVEL_KEYS.has(key)) throw invalidSeed(`unknown top-level field "${key}"`);
  if (root.format !== undefined && root.format !== SEED_FORMAT) throw invalidSeed(`format must be "${SEED_FORMAT}"`);
  if (root.version !== undefined && root.version !== SEED_VERSION) throw invalidSeed(`version ${String(root.version)} is not supported (only ${SEED_VERSION})`);
  if (!isPlainObject(root.collections)) throw invalidSeed('"collections" must be an object of collection name to array of documents');
  return {
    collections: Object.entries(root.collections).map(([name, documents]) => ({ name, documents: parseCollection(name, documents, newId) })),
  };
}

/** The export form: relaxed Extended JSON, two-space indented, collections as given. */
export function formatSeed(seed: Seed): string {
  const collections: Record<string, unknown[]> = {};
  for (const { name, documents } of seed.collections) {
    collections[name] = documents.map((doc, i) => toEjsonTree(doc, 'relaxed', `collections.${name}[${i}]`));
  }
  return `${JSON.stringify({ format: SEED_FORMAT, version: SEED_VERSION, collections }, null, 2)}\n`;
}

function parseCollection(name: string, documents: unknown, newId: () => string): Doc[] {
  const where = `collections.${name}`;
  if (name.length === 0) throw invalidSeed('a collection name must not be empty');
  if (!Array.isArray(documents)) throw invalidSeed(`${where} must be an array of documents`);
  const seen = new Set<string>();
  return documents.map((tree: unknown, i) => {
    const path = `${where}[${i}]`;
    let value: unknown;
    try {
      value = fromEjsonTree(tree, { longs: 'number-if-safe' }, path);
    } catch (error) {
      throw invalidSeed((error as Error).message);
    }
    if (!isPlainObject(value)) throw invalidSeed(`${path} must be an object`);
    const given = value._id;
    if (given !== undefined && !isDocId(given)) throw invalidSeed(`${path}._id must be a non-empty string, a finite number or an ObjectId`);
    const id = given ?? newId();
    if (seen.has(idKey(id))) throw invalidSeed(`${path}._id ${idKey(id)} appears twice in ${name}`);
    seen.add(idKey(id));
    return withId(id, value);
  });
}

function invalidSeed(reason: string): InvalidArgumentError {
  return new InvalidArgumentError('seed', reason);
}
