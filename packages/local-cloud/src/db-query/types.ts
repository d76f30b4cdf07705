/**
 * What a query string means, as data. Values are plain objects and arrays plus `Date` and
 * `RegExp` (which mingo compares natively); nothing holds a function or a prototype other than
 * Object's, Array's, Date's and RegExp's. JSON.stringify keeps everything but RegExps; bson's
 * EJSON keeps all of it.
 */
export type QueryValue = null | boolean | number | string | Date | RegExp | QueryValue[] | QueryObject;

export interface QueryObject {
  [key: string]: QueryValue;
}

/** `doc(id)` takes a string or a number, as wx-server-sdk does. */
export type DocumentId = string | number;

export type SortDirection = 'asc' | 'desc';

export interface OrderBy {
  readonly field: string;
  readonly direction: SortDirection;
}

interface Targeted {
  readonly collection: string;
}

/**
 * `limit` is left undefined when the query has no `.limit()`: the HTTP API then returns
 * {@link DEFAULT_HTTP_LIMIT} (10) documents, which the executor applies.
 */
export interface GetQuery extends Targeted {
  readonly op: 'get';
  readonly docId?: DocumentId;
  /** A MongoDB filter: `_.gt(18)` became `{$gt: 18}`, nested objects became dotted paths. */
  readonly where?: QueryObject;
  readonly orderBy?: readonly OrderBy[];
  readonly skip?: number;
  readonly limit?: number;
  /** A MongoDB projection: `{name: true}` became `{name: 1}`. */
  readonly field?: QueryObject;
}

export interface CountQuery extends Targeted {
  readonly op: 'count';
  readonly where?: QueryObject;
}

/** `add({data: doc})` and `add({data: [doc, …]})` both give a list. */
export interface AddQuery extends Targeted {
  readonly op: 'add';
  readonly data: readonly QueryObject[];
}

/**
 * `data` is a MongoDB update document: plain fields became `$set` on dotted paths,
 * `_.inc(1)` became `$inc`, `_.remove()` `$unset`, `_.push(…)` `$push: {$each}`. Without
 * `docId` it updates every document `where` matches (every document when `where` is absent).
 */
export interface UpdateQuery extends Targeted {
  readonly op: 'update';
  readonly docId?: DocumentId;
  readonly where?: QueryObject;
  readonly data: QueryObject;
}

/** `doc(id).set({data})`: replaces the document (creating it when missing). */
export interface SetQuery extends Targeted {
  readonly op: 'set';
  readonly docId: DocumentId;
  readonly data: QueryObject;
}

export interface RemoveQuery extends Targeted {
  readonly op: 'remove';
  readonly docId?: DocumentId;
  readonly where?: QueryObject;
}

/** A MongoDB pipeline: one `{$stage: value}` object per stage, in order. */
export interface AggregateQuery extends Targeted {
  readonly op: 'aggregate';
  readonly stages: readonly QueryObject[];
}

export type ParsedQuery = GetQuery | CountQuery | AddQuery | UpdateQuery | SetQuery | RemoveQuery | AggregateQuery;

export type QueryOp = ParsedQuery['op'];
