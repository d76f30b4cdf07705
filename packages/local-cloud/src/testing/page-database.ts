import { Db } from '@cloudbase/database';
import { buildUrl, cloudErrcodeOf, ProtocolError, requestJson } from '@wxhub/core';

/**
 * `wx.cloud.database()` for page tests: the query builder is the client SDK family's own
 * (@cloudbase/database — commands, serialisation, EJSON), and every request it sends goes to the
 * local cloud's client database endpoint (`POST /client/database`) as the page's user, where the
 * collection's permission is checked. On top sits the mini program's API shape: `add({data})`,
 * results `{data, errMsg}`, failures rejected as `{errCode, errMsg}`, and callbacks
 * (`success`/`fail`/`complete`) when given.
 */
export interface PageDatabaseOptions {
  /** The local cloud's root URL. */
  readonly url: string;
  /** The mini program (its appid). */
  readonly appid: string;
  /** The environment (`wx.cloud.database({env})`); the app's own when left out. */
  readonly env?: string;
  /** The user; read on every request, so a test can switch users. */
  readonly openid: () => string | undefined;
}

/** What `wx.cloud.database()` calls reject with. */
export class PageDatabaseError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg);
    this.name = 'PageDatabaseError';
  }
}

type Callbacks<T> = {
  readonly success?: (result: T) => void;
  readonly fail?: (error: PageDatabaseError) => void;
  readonly complete?: (outcome: T | PageDatabaseError) => void;
};
type Raw = Record<string, unknown> & { readonly code?: string; readonly message?: string };

/** The transport @cloudbase/database builds one of per query (its `Db.reqClass`). */
interface Transport {
  send(action: string, params: Record<string, unknown>): Promise<Raw>;
}

const TRANSPORT = Symbol('wxhub.pageTransport');
type TransportConfig = { readonly [TRANSPORT]: Transport };

/**
 * @cloudbase/database reads its transport class from a static (`Db.reqClass`) when a query is
 * built, and wx-server-sdk's node-sdk shares that module in-process. So ours is put in place
 * only while a query object is being built, and the previous one restored — building is
 * synchronous, so nothing else can interleave.
 */
class PageRequest {
  private readonly transport: Transport;
  constructor(config: TransportConfig) {
    this.transport = config[TRANSPORT];
  }
  send(action: string, params: Record<string, unknown>): Promise<Raw> {
    return this.transport.send(action, params);
  }
}

function building<T>(build: () => T): T {
  const holder = Db as unknown as { reqClass: unknown };
  const previous = holder.reqClass;
  holder.reqClass = PageRequest;
  try {
    return build();
  } finally {
    holder.reqClass = previous;
  }
}

export class PageDatabase {
  /** `db.command`: the SDK family's own commands (`_.gt`, `_.in`, `_.inc`…). */
  readonly command: unknown;
  private readonly db: Db;

  constructor(options: PageDatabaseOptions) {
    const transport: Transport = {
      send: async (action, params) => {
        const url = buildUrl(options.url, '/client/database');
        const response = await requestJson(url, {
          method: 'POST',
          json: { appid: options.appid, ...(options.env ? { env: options.env } : {}), openid: options.openid(), action, params },
          timeoutMs: 30_000,
        });
        if (typeof response.body !== 'object' || response.body === null)
          throw new ProtocolError(url.toString(), `not a database answer (HTTP ${response.status})`);
        const body = response.body as Raw & { errCode?: number; errMsg?: string };
        if (response.status !== 200) throw new PageDatabaseError(body.errCode ?? -1, body.errMsg ?? `HTTP ${response.status}`);
        return body;
      },
    };
    const config: TransportConfig & { env?: string } = { [TRANSPORT]: transport, ...(options.env ? { env: options.env } : {}) };
    this.db = new Db(config);
    this.command = this.db.command;
  }

  serverDate(options?: { offset?: number }): unknown {
    return (this.db.serverDate as (o?: { offset?: number }) => unknown)(options);
  }

  collection(name: string): PageCollection {
    return new PageCollection(name, building(() => this.db.collection(name)) as unknown as SdkCollection);
  }
}

/** Builder objects of @cloudbase/database, as far as this wrapper uses them. */
interface SdkQuery {
  where(query: unknown): SdkQuery;
  orderBy(field: string, direction: string): SdkQuery;
  limit(n: number): SdkQuery;
  skip(n: number): SdkQuery;
  field(projection: unknown): SdkQuery;
  get(): Promise<Raw>;
  count(): Promise<Raw>;
  update(data: unknown): Promise<Raw>;
  remove(): Promise<Raw>;
}
interface SdkCollection extends SdkQuery {
  add(data: unknown): Promise<Raw>;
  doc(id: string | number): SdkDocument;
  aggregate(): SdkAggregate;
}
interface SdkDocument {
  get(): Promise<Raw>;
  update(data: unknown): Promise<Raw>;
  set(data: unknown): Promise<Raw>;
  remove(): Promise<Raw>;
}
interface SdkAggregate {
  end(): Promise<Raw>;
  [stage: string]: unknown;
}

export class PageQuery {
  constructor(
    protected readonly name: string,
    protected readonly query: SdkQuery,
  ) {}

  where(condition: Record<string, unknown>): PageQuery {
    return new PageQuery(
      this.name,
      building(() => this.query.where(condition)),
    );
  }
  orderBy(field: string, direction: 'asc' | 'desc'): PageQuery {
    return new PageQuery(
      this.name,
      building(() => this.query.orderBy(field, direction)),
    );
  }
  limit(n: number): PageQuery {
    return new PageQuery(
      this.name,
      building(() => this.query.limit(n)),
    );
  }
  skip(n: number): PageQuery {
    return new PageQuery(
      this.name,
      building(() => this.query.skip(n)),
    );
  }
  field(projection: Record<string, boolean>): PageQuery {
    return new PageQuery(
      this.name,
      building(() => this.query.field(projection)),
    );
  }

  get(callbacks: Callbacks<{ data: Record<string, unknown>[]; errMsg: string }> = {}) {
    return settle(
      'collection.get',
      () => this.query.get(),
      (raw) => ({ data: raw.data as Record<string, unknown>[], errMsg: 'collection.get:ok' }),
      callbacks,
    );
  }
  count(callbacks: Callbacks<{ total: number; errMsg: string }> = {}) {
    return settle(
      'collection.count',
      () => this.query.count(),
      (raw) => ({ total: raw.total as number, errMsg: 'collection.count:ok' }),
      callbacks,
    );
  }
  /** `where(...).update({data})`: many records (pages may, under security rules only). */
  update(options: { data: Record<string, unknown> } & Callbacks<{ stats: { updated: number }; errMsg: string }>) {
    return settle(
      'collection.update',
      () => this.query.update(options.data),
      (raw) => ({ stats: { updated: raw.updated as number }, errMsg: 'collection.update:ok' }),
      options,
    );
  }
  remove(callbacks: Callbacks<{ stats: { removed: number }; errMsg: string }> = {}) {
    return settle(
      'collection.remove',
      () => this.query.remove(),
      (raw) => ({ stats: { removed: raw.deleted as number }, errMsg: 'collection.remove:ok' }),
      callbacks,
    );
  }
}

export class PageCollection extends PageQuery {
  constructor(
    name: string,
    private readonly collection: SdkCollection,
  ) {
    super(name, collection);
  }

  add(options: { data: Record<string, unknown> } & Callbacks<{ _id: string | number; errMsg: string }>) {
    return settle(
      'collection.add',
      () => this.collection.add(options.data),
      (raw) => ({ _id: raw.id as string | number, errMsg: 'collection.add:ok' }),
      options,
    );
  }

  doc(id: string | number): PageDocument {
    return new PageDocument(building(() => this.collection.doc(id)));
  }

  /** `aggregate()`: stages as the SDK family builds them, then `end()`. */
  aggregate(): PageAggregate {
    const sdk = building(() => this.collection.aggregate());
    const wrapper: Record<string, unknown> = {};
    const stages = [
      'match',
      'project',
      'group',
      'sort',
      'limit',
      'skip',
      'count',
      'lookup',
      'unwind',
      'addFields',
      'sample',
      'replaceRoot',
      'bucket',
      'bucketAuto',
      'geoNear',
      'sortByCount',
    ];
    for (const stage of stages) {
      wrapper[stage] = (...args: unknown[]) => {
        (sdk[stage] as (...a: unknown[]) => unknown).apply(sdk, args);
        return wrapper;
      };
    }
    wrapper.end = () =>
      settle(
        'collection.aggregate',
        () => sdk.end(),
        (raw) => ({ list: raw.data as unknown[], errMsg: 'collection.aggregate:ok' }),
        {},
      );
    return wrapper as unknown as PageAggregate;
  }
}

/** The stages a page chains before `end()`; each is the SDK family's own. */
export interface PageAggregate {
  match(condition: unknown): PageAggregate;
  project(projection: unknown): PageAggregate;
  group(group: unknown): PageAggregate;
  sort(order: unknown): PageAggregate;
  limit(n: number): PageAggregate;
  skip(n: number): PageAggregate;
  count(field: string): PageAggregate;
  end(): Promise<{ list: unknown[]; errMsg: string }>;
}

export class PageDocument {
  constructor(private readonly document: SdkDocument) {}

  get(callbacks: Callbacks<{ data: Record<string, unknown>; errMsg: string }> = {}) {
    return settle(
      'document.get',
      () => this.document.get(),
      (raw) => {
        const [record] = raw.data as Record<string, unknown>[];
        // The client SDK fails a doc(id).get() that finds nothing (or nothing the caller may see).
        if (!record) throw new PageDatabaseError(-1, 'document.get:fail document does not exist');
        return { data: record, errMsg: 'document.get:ok' };
      },
      callbacks,
    );
  }
  update(options: { data: Record<string, unknown> } & Callbacks<{ stats: { updated: number }; errMsg: string }>) {
    return settle(
      'document.update',
      () => this.document.update(options.data),
      (raw) => ({ stats: { updated: raw.updated as number }, errMsg: 'document.update:ok' }),
      options,
    );
  }
  set(options: { data: Record<string, unknown> } & Callbacks<{ _id: unknown; stats: { updated: number; created: number }; errMsg: string }>) {
    return settle(
      'document.set',
      () => this.document.set(options.data),
      (raw) => ({
        _id: raw.upsertedId,
        stats: { updated: (raw.updated as number) ?? 0, created: raw.upsertedId === undefined ? 0 : 1 },
        errMsg: 'document.set:ok',
      }),
      options,
    );
  }
  remove(callbacks: Callbacks<{ stats: { removed: number }; errMsg: string }> = {}) {
    return settle(
      'document.remove',
      () => this.document.remove(),
      (raw) => ({ stats: { removed: raw.deleted as number }, errMsg: 'document.remove:ok' }),
      callbacks,
    );
  }
}

/**
 * Runs one call: a refusal the SDK returns as `{code, message}` becomes a rejection with the
 * client's numeric errCode (from @wxhub/core's one table) and `<api>:fail <code> <message>`.
 */
async function settle<T>(api: string, call: () => Promise<Raw>, shape: (raw: Raw) => T, callbacks: Callbacks<T>): Promise<T> {
  let outcome: T | PageDatabaseError;
  try {
    const raw = await call();
    if (raw.code) {
      const errCode = cloudErrcodeOf(raw.code);
      throw new PageDatabaseError(errCode, `${api}:fail ${errCode} ${raw.code}: ${raw.message ?? ''}`);
    }
    outcome = shape(raw);
  } catch (error) {
    outcome = error instanceof PageDatabaseError ? error : new PageDatabaseError(-1, `${api}:fail ${error instanceof Error ? error.message : String(error)}`);
  }
  if (outcome instanceof PageDatabaseError) {
    callbacks.fail?.(outcome);
    callbacks.complete?.(outcome);
    // With callbacks the mini program API returns nothing to reject: the failure went to them.
    if (callbacks.fail || callbacks.complete) return undefined as never;
    throw outcome;
  }
  callbacks.success?.(outcome);
  callbacks.complete?.(outcome);
  return outcome;
}
