/**
 * The part of `wx-server-sdk`'s database (`cloud.database()`) that CloudDatabaseStore calls,
 * typed structurally so that this package does not depend on the SDK. The SDK declares its
 * results as `Promise<X> | void | string`, hence `unknown` here, narrowed where they are read.
 */
export interface CloudDatabase {
  collection(name: string): CloudCollection;
  readonly command: CloudCommand;
  createCollection(name: string): unknown;
}

export interface CloudCollection {
  doc(id: string): CloudDocument;
  where(condition: object): CloudQuery;
  /** Fails when `data._id` already exists (duplicate key): what makes creation exclusive. */
  add(options: { data: Record<string, unknown> }): unknown;
}

export interface CloudDocument {
  /** An upsert that replaces the whole document. */
  set(options: { data: Record<string, unknown> }): unknown;
}

export interface CloudQuery {
  /** `{data: document[]}` */
  get(): unknown;
  /** `{stats: {updated}}` */
  update(options: { data: Record<string, unknown> }): unknown;
  /** `{stats: {removed}}` */
  remove(): unknown;
}

/** `db.command`: the query operators used here. */
export interface CloudCommand {
  lte(value: number): object;
  gt(value: number): object;
  eq(value: unknown): object;
  inc(value: number): object;
  exists(value: boolean): object;
  and(conditions: object[]): object;
  or(conditions: object[]): object;
}
