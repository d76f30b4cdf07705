import { ManualClock } from '@wxhub/core';
import { LocalCloud } from '../../src/local-cloud';
import { applySdkEnv, sdkProcessEnv, type CallerIdentity } from '../../src/sdk-backend/sdk-env';

export const ENV_A = 'a-env-1a2b3c';
export const ENV_B = 'b-env-4d5e6f';

export interface SdkCloud {
  readonly cloud: LocalCloud;
  readonly clock: ManualClock;
  /** Stops the local cloud and gives process.env back its previous SDK variables. */
  stop(): Promise<void>;
}

/**
 * A local cloud with two environments, and this jest process's environment set up the way a
 * cloud function instance's is (so the real wx-server-sdk, required here, reaches it).
 */
export async function startSdkCloud(options: { caller?: CallerIdentity; envId?: string } = {}): Promise<SdkCloud> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0));
  const cloud = await LocalCloud.start({
    apps: [
      { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: ENV_A },
      { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: ENV_B },
    ],
    clock,
  });
  const restore = applySdkEnv(
    sdkProcessEnv({ backendUrl: cloud.sdkBackendUrl, envId: options.envId ?? ENV_A, ...(options.caller ? { caller: options.caller } : {}) }),
  );
  return {
    cloud,
    clock,
    async stop() {
      restore();
      await cloud.stop();
    },
  };
}

/** wx-server-sdk's typings declare callback-style `Promise<T> | void | string`; calls without a callback return the promise. */
export function sdkCall<T>(result: Promise<T> | void | string): Promise<T> {
  if (!(result instanceof Promise)) throw new Error('wx-server-sdk did not return a promise');
  return result;
}
