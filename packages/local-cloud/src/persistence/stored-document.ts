import { invalidParam } from '../sdk-backend/backend-error';
import { idKey, isDocId, isPlainObject, type Doc, type DocId } from '../sdk-backend/documents';
import { fromEjsonTree, toEjsonTree } from '../sdk-backend/document-codec';

/**
 * How one document sits in a row: the whole document as canonical Extended JSON (every value
 * type survives: an int stays a number, a Long a Long, -0 stays -0), and its `_id` as a key.
 */

export function encodeStoredDocument(doc: Doc): string {
  if (!isDocId(doc._id)) throw invalidParam('_id must be a non-empty string, a finite number or an ObjectId');
  return JSON.stringify(toEjsonTree(doc, 'canonical', ''));
}

export function decodeStoredDocument(text: string): Doc {
  const value = fromEjsonTree(JSON.parse(text) as unknown, { longs: 'keep' }, '');
  if (!isPlainObject(value) || !isDocId(value._id)) throw new Error('stored document has no valid _id');
  return value as Doc;
}

/** The row key of an `_id`: the collections' own key (documents.ts idKey), so a file and memory agree. */
export function docKey(id: DocId): string {
  return idKey(id);
}
