import * as cloud from 'wx-server-sdk';
import { ManualClock } from '@wxhub/core';
import { applySdkEnv, LocalCloud, sdkProcessEnv } from '@wxhub/local-cloud';
import { CloudDatabaseStore, parseTokenDocument, type CloudDatabase } from '../src';
import { describeStoreContract } from './support/store-contract';
import { instances, KEY } from './support/setup';
import { fiveInstancesTenGets } from './support/shared-refresh';

// The real wx-server-sdk, in this process, against the local cloud's SDK backend.

const ENV = 'token-env-1a2b3c';
const NOW = Date.UTC(2026, 0, 1);
let local: LocalCloud;
let restoreEnv: () => void;
let db: CloudDatabase;
let collections = 0;

beforeAll(async () => {
  local = await LocalCloud.start({
    apps: [{ name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: ENV }],
    clock: new ManualClock(NOW),
  });
  restoreEnv = applySdkEnv(sdkProcessEnv({ backendUrl: local.sdkBackendUrl, envId: ENV }));
  cloud.init({ env: ENV });
  db = cloud.database();
});

afterAll(async () => {
  restoreEnv?.();
  await local?.stop();
});

const admin = () => local.backend.database(ENV);
/** A store on a collection of its own that does not exist yet (the store creates it). */
const freshStore = (): CloudDatabaseStore => new CloudDatabaseStore({ db, collection: `token_t${++collections}` });

describeStoreContract('CloudDatabaseStore', freshStore);

describe('CloudDatabaseStore documents', () => {
  it('keeps one document per key with the seed-era fields and the lease beside them', async () => {
    const name = `token_t${++collections}`;
    const store = new CloudDatabaseStore({ db, collection: name });
    expect(await store.claim(KEY, 'instance-1', NOW + 30_000, NOW)).toBe(true);
    expect(admin().find(name, { _id: KEY })).toEqual([{ _id: KEY, lease_holder: 'instance-1', lease_until: NOW + 30_000, updated_at: NOW }]);
    expect(await store.read(KEY)).toEqual({ lease: { holder: 'instance-1', until: NOW + 30_000 } });

    await store.put(KEY, { value: 'cloud-token-value', expiresAt: NOW + 7_200_000 }, 'instance-1', NOW + 5);
    expect(admin().find(name, { _id: KEY })).toEqual([
      {
        _id: KEY,
        access_token: 'cloud-token-value',
        expires_in: NOW + 7_200_000,
        lease_holder: '',
        lease_until: 0,
        refreshed_at: NOW + 5,
        updated_at: NOW + 5,
        // A put clears the failure memory.
        failed_at: 0,
        failure_code: '',
        failure_count: 0,
        retry_at: 0,
      },
    ]);
  });

  it('reads seed-era documents (access_token + absolute expires_in only) and refreshes them in place', async () => {
    admin().createCollection('token');
    admin().insert('token', { _id: KEY, access_token: 'seed-era-token-value', expires_in: NOW + 3_600_000 });
    const store = new CloudDatabaseStore({ db });
    expect(await store.read(KEY)).toEqual({ token: { value: 'seed-era-token-value', expiresAt: NOW + 3_600_000 } });

    expect(await store.claim(KEY, 'new-function', NOW + 30_000, NOW)).toBe(true);
    await store.put(KEY, { value: 'refreshed-token-value', expiresAt: NOW + 7_200_000 }, 'new-function', NOW);
    const [document] = admin().find('token', { _id: KEY });
    // What the seed-era functions read stays where they read it.
    expect(document).toMatchObject({ access_token: 'refreshed-token-value', expires_in: NOW + 7_200_000 });
    admin().dropCollection('token');
  });

  it('tells a lease-only document from a token', () => {
    expect(parseTokenDocument({ _id: 'k', lease_holder: 'h', lease_until: 5 })).toEqual({ lease: { holder: 'h', until: 5 } });
    expect(parseTokenDocument({ _id: 'k', access_token: '', expires_in: 5, lease_holder: '', lease_until: 0 })).toEqual({});
    expect(parseTokenDocument({ _id: 'k', access_token: 't', expires_in: new Date(5) })).toEqual({ token: { value: 't', expiresAt: 5 } });
  });

  it('validates every field of a hostile document; the next writers repair it', async () => {
    const name = `token_t${++collections}`;
    admin().createCollection(name);
    admin().insert(name, {
      _id: KEY,
      access_token: 42,
      expires_in: 'never',
      lease_holder: 'attacker',
      lease_until: 'forever',
      failure_count: -3,
      forced_day: 'today',
      forced_count: 1,
      forced_last_at: NOW,
    });
    const store = new CloudDatabaseStore({ db, collection: name });
    expect(await store.read(KEY)).toEqual({
      corrupt: [
        'access_token',
        'expires_in',
        'lease_holder',
        'lease_until',
        'failed_at',
        'failure_code',
        'failure_count',
        'retry_at',
        'forced_day',
        'forced_count',
        'forced_last_at',
      ],
    });
    // A lease_until of the wrong type matches no comparison: the claim repairs it by compare-and-set.
    expect(await store.claim(KEY, 'repairer', NOW + 3_000, NOW)).toBe(true);
    expect(await store.claim(KEY, 'second', NOW + 3_000, NOW)).toBe(false);
    await store.put(KEY, { value: 'repaired-token-value', expiresAt: NOW + 7_200_000 }, 'repairer', NOW);
    expect(await store.read(KEY)).toEqual({
      token: { value: 'repaired-token-value', expiresAt: NOW + 7_200_000 },
      corrupt: ['forced_day', 'forced_count', 'forced_last_at'],
    });
    // A lease reaching further out than any claimer's own (plus skew) is taken like a lapsed one.
    expect(await store.claim(KEY, 'hostile', NOW + 365 * 86_400_000, NOW)).toBe(true);
    expect(await store.claim(KEY, 'honest', NOW + 3_000, NOW)).toBe(true);
  });

  it('creates the missing collection once when many instances claim at the same moment', async () => {
    const name = `token_t${++collections}`;
    expect(admin().hasCollection(name)).toBe(false);
    const stores = Array.from({ length: 10 }, () => new CloudDatabaseStore({ db, collection: name }));
    const results = await Promise.all(stores.map((store, i) => store.claim(KEY, `i${i}`, NOW + 30_000, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(admin().hasCollection(name)).toBe(true);
    expect(admin().count(name)).toBe(1);
  });
});

describe('3. instances sharing the cloud database', () => {
  it('5 instances × 10 concurrent gets cause one fetch', async () => {
    const inner = freshStore();
    const { provider, values } = await fiveInstancesTenGets(inner);

    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
    expect(provider.calls).toBe(1);
  });

  it('serves a seed-era token without fetching', async () => {
    const name = `token_t${++collections}`;
    admin().createCollection(name);
    const [instance] = instances(1, new CloudDatabaseStore({ db, collection: name }));
    admin().insert(name, { _id: KEY, access_token: 'seed-era-token-value', expires_in: instance!.clock.now() + 3_600_000 });
    expect(await instance!.cache.get(KEY)).toBe('seed-era-token-value');
    expect(instance!.provider.calls).toBe(0);
  });
});
