import type { AppPermissionSettings } from '@wxhub/project-config';
import { CloudErrcode } from '@wxhub/core';
import { ClientDatabaseApi } from '../client-api/client-database-api';
import { ClientStorageApi } from '../client-api/client-storage-api';
import type { AppConfig } from '../config';
import { LocalCloud } from '../local-cloud';
import type { LocalDatabase } from '../sdk-backend/local-database';
import { PageDatabase, PageDatabaseError } from './page-database';
import { PageStorage, PageStorageError } from './page-storage';

/**
 * Testing your collections' permissions and security rules before they ship, in the manner of
 * Firebase's @firebase/rules-unit-testing: start an environment with the settings under test,
 * act as a user (`as('oUserX')`) or as nobody, and assert that a page's read or write is allowed
 * (`assertSucceeds`) or refused (`assertFails`). Requests go through the same client endpoint and
 * checks as the pages' `wx.cloud.database()`; seeding with `admin()` has a function's rights.
 *
 *   const env = await rulesTestEnvironment({ permissions: { database: { notes: { read: 'doc._openid == auth.openid' } } } });
 *   await env.admin().insert('notes', [{ _id: 'n1', _openid: 'oUserY', text: 'hi' }]);
 *   await assertFails(env.as('oUserX').database().collection('notes').where({ _openid: 'oUserY' }).get());
 *   await assertSucceeds(env.as('oUserY').database().collection('notes').where({ _openid: '{openid}' }).get());
 *   await env.cleanup();
 */
export interface RulesTestEnvironmentOptions {
  /** The settings under test (what the console would be set to): collections and storage. */
  readonly permissions?: AppPermissionSettings;
  /** Or an existing local cloud (e.g. the project's) and one of its apps; `cleanup()` then leaves it running. */
  readonly cloud?: LocalCloud;
  readonly app?: string;
}

export interface RulesTestContext {
  /** This user's `wx.cloud.database()`. */
  database(): PageDatabase;
  /** This user's `wx.cloud.uploadFile / getTempFileURL / downloadFile / deleteFile`. */
  storage(): PageStorage;
}

export interface RulesTestEnvironment {
  readonly cloud: LocalCloud;
  readonly envId: string;
  /** Act as a page's user. */
  as(openid: string): RulesTestContext;
  /** Act as a request without a user (`auth == null`). */
  unauthenticated(): RulesTestContext;
  /** The environment's database with admin rights (a function's): seed and inspect. */
  admin(): LocalDatabase;
  /** Changes a collection's setting (a bad rule throws PermissionConfigError with the position). */
  setCollection(name: string, setting: unknown): void;
  /** Changes the storage bucket's setting. */
  setStorage(setting: unknown): void;
  cleanup(): Promise<void>;
}

const TEST_APP: AppConfig = { name: 'rules-test', appid: 'wx00000000000000e1', secret: 'rules-test-secret', envId: 'rules-test-env' };

export async function rulesTestEnvironment(options: RulesTestEnvironmentOptions = {}): Promise<RulesTestEnvironment> {
  const owned = options.cloud === undefined;
  const cloud =
    options.cloud ??
    (await LocalCloud.start({ apps: [TEST_APP], permissions: { settings: { [TEST_APP.envId]: options.permissions } }, runtime: { idleCheckIntervalMs: 0 } }));
  const app = owned ? TEST_APP : cloud.app(options.app ?? cloud.apps[0]?.name ?? '');
  if (!owned && options.permissions) {
    for (const [name, setting] of Object.entries(options.permissions.database)) cloud.permissions.setCollection(app.envId, name, setting);
    if (options.permissions.storage !== undefined) cloud.permissions.setStorage(app.envId, options.permissions.storage);
  }
  mountClientDatabase(cloud);
  mountClientStorage(cloud);
  const context = (openid: string | undefined): RulesTestContext => ({
    database: () => new PageDatabase({ url: cloud.url, appid: app.appid, env: app.envId, openid: () => openid }),
    storage: () => new PageStorage({ url: cloud.url, appid: app.appid, env: app.envId, openid: () => openid }),
  });
  return {
    cloud,
    envId: app.envId,
    as: (openid) => context(openid),
    unauthenticated: () => context(undefined),
    admin: () => cloud.backend.database(app.envId),
    setCollection: (name, setting) => {
      cloud.permissions.setCollection(app.envId, name, setting);
    },
    setStorage: (setting) => {
      cloud.permissions.setStorage(app.envId, setting);
    },
    cleanup: async () => {
      if (owned) await cloud.stop();
    },
  };
}

const mounted = new WeakSet<LocalCloud>();
const storageMounted = new WeakSet<LocalCloud>();

/** Serves the pages' database endpoint on a local cloud (once). */
export function mountClientDatabase(cloud: LocalCloud): void {
  if (mounted.has(cloud)) return;
  mounted.add(cloud);
  cloud.mount(new ClientDatabaseApi({ apps: cloud.apps, backend: cloud.backend, permissions: cloud.permissions, clock: cloud.clock }).service);
}

/** Serves the pages' storage endpoint on a local cloud (once). */
export function mountClientStorage(cloud: LocalCloud): void {
  if (storageMounted.has(cloud)) return;
  storageMounted.add(cloud);
  cloud.mount(new ClientStorageApi({ apps: cloud.apps, storage: cloud.storage, permissions: cloud.permissions, clock: cloud.clock }).service);
}

const PERMISSION_CODES: readonly number[] = [CloudErrcode.DATABASE_PERMISSION_DENIED, CloudErrcode.STORAGE_PERMISSION_DENIED];

/** Resolves with the result when the page's call succeeded; throws (naming the refusal) when it was refused. */
export async function assertSucceeds<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const detail = error instanceof PageDatabaseError || error instanceof PageStorageError ? error.errMsg : String(error);
    throw new Error(`expected the request to be allowed, but it failed: ${detail}`, { cause: error });
  }
}

/** Resolves with the refusal when permissions refused the call (-502003 / -503002); throws when it succeeded or failed otherwise. */
export async function assertFails(call: Promise<unknown>): Promise<PageDatabaseError | PageStorageError> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    const page = error instanceof PageDatabaseError || error instanceof PageStorageError ? error : undefined;
    if (page && PERMISSION_CODES.includes(page.errCode)) return page;
    throw new Error(`expected a permission refusal, but the request failed otherwise: ${page ? page.errMsg : String(error)}`, {
      cause: error,
    });
  }
  throw new Error(`expected the request to be refused, but it was allowed: ${JSON.stringify(result)}`);
}
