import * as cloud from 'wx-server-sdk';
import type { LocalDatabase } from '../../../src/sdk-backend/local-database';
import { ENV_A, sdkCall, startSdkCloud, type SdkCloud } from '../../support/sdk-cloud';

/**
 * The conformance suite's harness: the REAL wx-server-sdk, required in the jest process and
 * initialised as a cloud function is, talking to a local cloud on 127.0.0.1 (a fresh port per test
 * file). Each test starts with one empty collection, `COLLECTION`, in environment A and nothing
 * else. Seeding goes through the local cloud's admin API so the behaviour under test is only ever
 * exercised through the SDK.
 */

export { ENV_A, sdkCall };
export const COLLECTION = 'conformance';

export type Db = ReturnType<typeof cloud.database>;
export type CollectionRef = ReturnType<Db['collection']>;
export type Doc = Record<string, unknown>;

export interface Conformance {
  /** The running local cloud (valid inside tests). */
  readonly env: SdkCloud;
  readonly db: Db;
  /** `db.collection(COLLECTION)` */
  readonly items: CollectionRef;
  /** The backend's view of environment A, for seeding and for reading what was stored. */
  readonly admin: LocalDatabase;
  seed(docs: readonly Doc[]): void;
  /** The stored document with this `_id`, read past the SDK. */
  stored(id: string | number): Doc | undefined;
}

/** Registers the jest hooks of one test file and returns accessors valid inside its tests. */
export function useConformanceCloud(): Conformance {
  let env: SdkCloud | undefined;
  beforeAll(async () => {
    env = await startSdkCloud();
    // DYNAMIC_CURRENT_ENV resolves to TCB_ENV (environment A) at call time, as in a deployed function.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  });
  afterAll(async () => {
    await env?.stop();
  });
  beforeEach(() => {
    const admin = running().cloud.backend.database(ENV_A);
    admin.clear();
    admin.createCollection(COLLECTION);
  });
  const running = (): SdkCloud => {
    if (!env) throw new Error('the conformance cloud is not running (use it inside a test)');
    return env;
  };
  return {
    get env() {
      return running();
    },
    get db() {
      running();
      return cloud.database();
    },
    get items() {
      running();
      return cloud.database().collection(COLLECTION);
    },
    get admin() {
      return running().cloud.backend.database(ENV_A);
    },
    seed(docs) {
      running()
        .cloud.backend.database(ENV_A)
        .insert(COLLECTION, [...docs]);
    },
    stored(id) {
      return running().cloud.backend.database(ENV_A).find(COLLECTION, { _id: id })[0];
    },
  };
}

/** What the SDK rejects with: an Error carrying WeChat's errCode/errMsg (and node-sdk's `code`). */
export interface SdkFailure {
  readonly message: string;
  readonly errCode?: number;
  readonly errMsg?: string;
  readonly code?: string;
}

/** The rejection of an SDK call that must fail; a call that succeeds fails the test. */
export async function failure(call: Promise<unknown> | void | string): Promise<SdkFailure> {
  try {
    await sdkCall(call);
  } catch (error: unknown) {
    if (typeof error === 'object' && error !== null) {
      const fields = error as { message?: unknown; errCode?: unknown; errMsg?: unknown; code?: unknown };
      return {
        message: typeof fields.message === 'string' ? fields.message : String(error),
        ...(typeof fields.errCode === 'number' ? { errCode: fields.errCode } : {}),
        ...(typeof fields.errMsg === 'string' ? { errMsg: fields.errMsg } : {}),
        ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
      };
    }
    return { message: String(error) };
  }
  throw new Error('expected the SDK call to fail, but it succeeded');
}

/** The `_id`s of documents, in the order given. */
export function ids(docs: readonly Doc[] | unknown): unknown[] {
  if (!Array.isArray(docs)) throw new Error(`expected an array of documents, got ${typeof docs}`);
  return docs.map((doc: unknown) => (typeof doc === 'object' && doc !== null ? (doc as Doc)._id : undefined));
}

/** `_id`s sorted, for queries whose order the docs leave unspecified. */
export function idSet(docs: readonly Doc[] | unknown): unknown[] {
  return ids(docs).sort((a, b) => String(a).localeCompare(String(b)));
}

/** `db.command.expr(expression)`, which wx-server-sdk 4.0.2's typings leave out. */
export function expr(db: Db, expression: unknown): object {
  return (db.command as unknown as { expr(expression: unknown): object }).expr(expression);
}

/** A sub-pipeline for lookup: `db.command.aggregate.pipeline()`, also missing from the typings. */
export interface SubPipeline {
  match(condition: object): SubPipeline;
  project(projection: object): SubPipeline;
  done(): unknown;
}

export function pipeline(db: Db): SubPipeline {
  return (db.command.aggregate as unknown as { pipeline(): SubPipeline }).pipeline();
}
