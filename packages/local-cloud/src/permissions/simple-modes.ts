import type { DatabaseOperation, SimpleMode, StorageOperation } from './rule-set';

/**
 * What each simple mode lets a page do, as WeChat documents it (docs/wechat-facts.md §13):
 * `all` — allowed on any record; `own` — allowed, with `_openid == caller` added to the query
 * (reads under PRIVATE return only the caller's records; an update of someone else's record
 * matches nothing: `updated: 0`, not a refusal); `none` — refused. `create` is `all` or `none`:
 * the new record is stamped with the caller's openid.
 */
export type Reach = 'all' | 'own' | 'none';

export const DATABASE_MODE_REACH: Readonly<Record<SimpleMode, Readonly<Record<DatabaseOperation, Reach>>>> = {
  READONLY: { read: 'all', create: 'all', update: 'own', delete: 'own' },
  PRIVATE: { read: 'own', create: 'all', update: 'own', delete: 'own' },
  ADMINWRITE: { read: 'all', create: 'none', update: 'none', delete: 'none' },
  ADMINONLY: { read: 'none', create: 'none', update: 'none', delete: 'none' },
};

/** Storage: `own` means the file's uploader (`resource.openid`) must be the caller; a new upload is the caller's own. */
export const STORAGE_MODE_REACH: Readonly<Record<SimpleMode, Readonly<Record<StorageOperation, Reach>>>> = {
  READONLY: { read: 'all', write: 'own' },
  PRIVATE: { read: 'own', write: 'own' },
  ADMINWRITE: { read: 'all', write: 'none' },
  ADMINONLY: { read: 'none', write: 'none' },
};

/** WeChat's default for a new collection (what the console proposes) and for the storage bucket. */
export const DEFAULT_COLLECTION_MODE: SimpleMode = 'PRIVATE';
export const DEFAULT_STORAGE_MODE: SimpleMode = 'READONLY';
