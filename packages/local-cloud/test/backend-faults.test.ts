import * as sdk from 'wx-server-sdk';
import { applySdkEnv, LocalCloud, sdkProcessEnv } from '../src';

const app = { name: 'A', appid: 'wxa0000000000000a1', secret: 'backend-faults-secret', envId: 'faults-env' };

describe('faults of the cloud backend the SDK calls', () => {
  let cloud: LocalCloud;
  let restore: () => void;
  beforeAll(async () => {
    cloud = await LocalCloud.start({ apps: [app] });
    // SILENCE: the SDK arms a 3 s "slow request" warning per database call and does not disarm it
    // when the call fails below HTTP (a gateway's HTML page here), so it would log after the tests.
    restore = applySdkEnv({ ...sdkProcessEnv({ backendUrl: cloud.sdkBackendUrl, envId: app.envId }), SILENCE: 'true' });
    sdk.init({ env: app.envId });
    await sdk.database().createCollection('items');
  });
  afterEach(() => cloud.backendFaults.clear());
  afterAll(async () => {
    restore();
    await cloud.stop();
  });

  it('breaks one action and leaves the others working', async () => {
    cloud.injectBackendFault({ action: 'database.getDocument', status: 502 });
    const items = sdk.database().collection('items');
    await expect(items.add({ data: { n: 1 } })).resolves.toMatchObject({ _id: expect.any(String) });
    // A gateway's HTML page, as on a bad day: the SDK reports it as a failed call.
    await expect(items.get()).rejects.toThrow(/collection.get:fail/);
    await expect(items.count()).resolves.toMatchObject({ total: 1 });
    cloud.backendFaults.clear();
    await expect(items.get()).resolves.toMatchObject({ data: [expect.objectContaining({ n: 1 })] });
  });

  it('fails only as many calls as asked, then answers again', async () => {
    cloud.injectBackendFault({ status: 503, times: 1 });
    const items = sdk.database().collection('items');
    await expect(items.count()).rejects.toThrow(/collection.count:fail/);
    await expect(items.count()).resolves.toMatchObject({ total: expect.any(Number) });
  });

  it('holds a call while a hang is armed and releases it on clear', async () => {
    cloud.injectBackendFault({ action: 'database.calculateDocument', hang: true });
    const pending = Promise.resolve(sdk.database().collection('items').count());
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    // The request reached the backend and is held there (no timer involved).
    await new Promise<void>((resolve) => {
      const check = (): void => (cloud.backendFaults.pending > 0 ? resolve() : void setImmediate(check));
      check();
    });
    cloud.backendFaults.clear();
    expect(await settled).toBe('rejected');
  });
});
