import { InvalidArgumentError } from '@wxhub/core';
import { MAX_LIMIT, MAX_QUERY_BYTES, keyProblem } from '@wxhub/db-query-language';
import { renderFilter } from './conditions';
import { integerLiteral, numberLiteral, stringLiteral } from './literals';
import { renderProjection } from './projection';
import { call, definedEntries, isPlainObject, renderValue } from './render';
import { StageChain, renderStage, type StageCall } from './stages';
import type { AddOptions, DocumentId, Filter, Projection, SetOptions, SortDirection, UpdateOptions } from './types';
import { dataOf, renderDataOption } from './write-options';

/** After `orderBy/skip/limit/field`: only more of those, then `get()`. */
export interface ShapedQuery {
  orderBy(field: string, direction: SortDirection): ShapedQuery;
  skip(offset: number): ShapedQuery;
  /** 1 to 1000. Without it the HTTP API returns 10 documents. */
  limit(count: number): ShapedQuery;
  field(projection: Projection): ShapedQuery;
  get(): string;
}

/** After `where()`: shape and read, or count, update or remove what matches. */
export interface FilteredQuery extends ShapedQuery {
  count(): string;
  /** Updates every matching document: `update({data: {visits: _.inc(1)}})`, as in wx-server-sdk. */
  update(options: UpdateOptions): string;
  /** Removes every matching document. */
  remove(): string;
}

/** `db.collection(name)`. Without `where()`, `update()`/`remove()`/`count()` apply to every document. */
export interface CollectionQuery extends FilteredQuery {
  where(filter: Filter): FilteredQuery;
  doc(id: DocumentId): DocumentQuery;
  /** `add({data: document})` or `add({data: [documents…]})`, as in wx-server-sdk. */
  add(options: AddOptions): string;
  aggregate(): AggregatePipeline;
}

export interface ShapedDocumentQuery {
  get(): string;
}

/** `db.collection(name).doc(id)`. */
export interface DocumentQuery extends ShapedDocumentQuery {
  field(projection: Projection): ShapedDocumentQuery;
  /** `update({data: {visits: _.inc(1)}})`, as in wx-server-sdk. */
  update(options: UpdateOptions): string;
  /** `set({data: document})`: replaces the document (creating it when missing); no commands, no `_id`. */
  set(options: SetOptions): string;
  remove(): string;
}

export interface AggregatePipeline extends StageChain<AggregatePipeline> {
  end(): string;
}

const MAX_COLLECTION_NAME = 128;

/** Builds query strings for WeChat's cloud HTTP API: `queryBuilder.collection('users')…get()`. */
export const queryBuilder = {
  collection(name: string): CollectionQuery {
    if (typeof name !== 'string' || name === '' || name.length > MAX_COLLECTION_NAME) {
      throw new InvalidArgumentError('collection', `must be a name of 1 to ${MAX_COLLECTION_NAME} characters`);
    }
    return new Query(call('db.collection', 0, 'collection', [() => stringLiteral(name)]), [], new Set());
  },
} as const;

type Shaping = 'orderBy' | 'skip' | 'limit' | 'field';

/** The text so far, checked for size when the query is finished. */
function finish(parts: readonly string[]): string {
  const text = parts.join('');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_QUERY_BYTES) throw new InvalidArgumentError('query', `is ${bytes} bytes long; at most ${MAX_QUERY_BYTES} are accepted`);
  return text;
}

class Query implements CollectionQuery {
  constructor(
    private readonly head: string,
    private readonly parts: readonly string[],
    private readonly used: ReadonlySet<Shaping | 'where'>,
  ) {}

  where(filter: Filter): FilteredQuery {
    if (this.used.has('where')) throw new InvalidArgumentError('where', 'may be called only once');
    if (this.used.size > 0) throw new InvalidArgumentError('where', 'must come before orderBy/skip/limit/field');
    return this.with('where', call('.where', 0, 'where', [(depth) => renderFilter(filter, depth, 'where')]));
  }

  orderBy(field: string, direction: SortDirection): ShapedQuery {
    if (typeof field !== 'string' || field === '') throw new InvalidArgumentError('orderBy', 'takes a field path');
    const problem = keyProblem(field);
    if (problem !== undefined) throw new InvalidArgumentError('orderBy', problem);
    if (direction !== 'asc' && direction !== 'desc') throw new InvalidArgumentError('orderBy', "direction must be 'asc' or 'desc'");
    return this.with('orderBy', call('.orderBy', 0, 'orderBy', [() => stringLiteral(field), () => stringLiteral(direction)]), true);
  }

  skip(offset: number): ShapedQuery {
    return this.with('skip', call('.skip', 0, 'skip', [() => integerLiteral(offset, 'skip', 0)]));
  }

  limit(count: number): ShapedQuery {
    return this.with('limit', call('.limit', 0, 'limit', [() => integerLiteral(count, 'limit', 1, MAX_LIMIT)]));
  }

  field(projection: Projection): ShapedQuery {
    return this.with('field', call('.field', 0, 'field', [(depth) => renderProjection(projection, depth, 'field')]));
  }

  doc(id: DocumentId): DocumentQuery {
    if (this.used.size > 0) throw new InvalidArgumentError('doc', 'must follow collection() directly');
    return new DocumentRef([this.head, call('.doc', 0, 'doc', [() => documentIdLiteral(id)])], false);
  }

  get(): string {
    return finish([this.head, ...this.parts, '.get()']);
  }

  count(): string {
    this.unshaped('count');
    return finish([this.head, ...this.parts, '.count()']);
  }

  update(options: UpdateOptions): string {
    this.unshaped('update');
    return finish([this.head, ...this.parts, updateCall(options)]);
  }

  remove(): string {
    this.unshaped('remove');
    return finish([this.head, ...this.parts, '.remove()']);
  }

  add(options: AddOptions): string {
    if (this.used.size > 0) throw new InvalidArgumentError('add', 'must follow collection() directly');
    const data = dataOf(options, 'add');
    const documents: readonly unknown[] = Array.isArray(data) ? data : [data];
    if (documents.length === 0) throw new InvalidArgumentError('add', 'needs at least one document');
    for (const document of documents) checkDocument(document, 'add', true);
    const text = call('.add', 0, 'add', [(depth) => renderDataOption(depth, 'add', (inner) => renderValue(data, 'data', inner, 'add'))]);
    return finish([this.head, text]);
  }

  aggregate(): AggregatePipeline {
    if (this.used.size > 0) throw new InvalidArgumentError('aggregate', 'must follow collection() directly');
    return new Aggregation(this.head, []);
  }

  private with(step: Shaping | 'where', text: string, repeatable = false): Query {
    if (!repeatable && this.used.has(step)) throw new InvalidArgumentError(step, 'may be called only once');
    return new Query(this.head, [...this.parts, text], new Set([...this.used, step]));
  }

  private unshaped(what: string): void {
    if ([...this.used].some((step) => step !== 'where')) {
      throw new InvalidArgumentError(what, 'cannot follow orderBy/skip/limit/field, which it would ignore');
    }
  }
}

class DocumentRef implements DocumentQuery {
  constructor(
    private readonly parts: readonly string[],
    private readonly shaped: boolean,
  ) {}

  field(projection: Projection): ShapedDocumentQuery {
    if (this.shaped) throw new InvalidArgumentError('field', 'may be called only once');
    return new DocumentRef([...this.parts, call('.field', 0, 'field', [(depth) => renderProjection(projection, depth, 'field')])], true);
  }

  get(): string {
    return finish([...this.parts, '.get()']);
  }

  update(options: UpdateOptions): string {
    this.unshaped('update');
    return finish([...this.parts, updateCall(options)]);
  }

  set(options: SetOptions): string {
    this.unshaped('set');
    const data = dataOf(options, 'set');
    checkDocument(data, 'set', false);
    return finish([...this.parts, call('.set', 0, 'set', [(depth) => renderDataOption(depth, 'set', (inner) => renderValue(data, 'data', inner, 'set'))])]);
  }

  remove(): string {
    this.unshaped('remove');
    return finish([...this.parts, '.remove()']);
  }

  private unshaped(what: string): void {
    if (this.shaped) throw new InvalidArgumentError(what, 'cannot follow field()');
  }
}

class Aggregation extends StageChain<AggregatePipeline> implements AggregatePipeline {
  constructor(
    private readonly head: string,
    calls: readonly StageCall[],
  ) {
    super(calls);
  }

  protected next(calls: readonly StageCall[]): AggregatePipeline {
    const last = calls[calls.length - 1];
    if (last !== undefined) renderStage(last, 0); // refuse a bad stage where it is written
    return new Aggregation(this.head, calls);
  }

  end(): string {
    return finish([this.head, '.aggregate()', ...this.calls.map((stage) => renderStage(stage, 0)), '.end()']);
  }
}

function documentIdLiteral(id: DocumentId): string {
  if (typeof id === 'string' && id !== '') return stringLiteral(id);
  if (typeof id === 'number') return numberLiteral(id, 'doc');
  throw new InvalidArgumentError('doc', 'takes a non-empty string or a number');
}

/** `update({data})`: fields, not operators; never `_id`; not empty. */
function updateCall(options: UpdateOptions): string {
  const data = dataOf(options, 'update');
  if (!isPlainObject(data)) throw new InvalidArgumentError('update', 'takes an object of fields');
  const entries = definedEntries(data);
  if (entries.length === 0) throw new InvalidArgumentError('update', 'has nothing to update');
  for (const [key] of entries) {
    if (key === '_id') throw new InvalidArgumentError('update', 'cannot change _id');
    if (key.startsWith('$')) throw new InvalidArgumentError('update', 'takes fields, not operators: write {field: _.inc(1)}');
  }
  return call('.update', 0, 'update', [(depth) => renderDataOption(depth, 'update', (inner) => renderValue(data, 'update', inner, 'update'))]);
}

/** A document for add (which may carry its own `_id`) or set (which may not). */
function checkDocument(document: unknown, what: string, idAllowed: boolean): void {
  if (!isPlainObject(document)) throw new InvalidArgumentError(what, 'takes plain objects as documents');
  const id = document._id;
  if (id === undefined) return;
  if (!idAllowed) throw new InvalidArgumentError(what, 'cannot change _id');
  if (!((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id)))) {
    throw new InvalidArgumentError(what, '_id must be a non-empty string or a number');
  }
}
