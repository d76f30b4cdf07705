import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@wxhub/core';
import { clientInvocation, startProjectCloud, type ClientUser, type ProjectCloud } from '@wxhub/local-cloud';
import type { AppSettings } from '@wxhub/project-config';
import { REPO_ROOT } from './node-runtimes';

export const BUILT_FUNCTIONS = join(REPO_ROOT, 'build', 'cloudfunctions');

export interface TestProject extends ProjectCloud {
  readonly A: AppSettings;
  readonly B: AppSettings;
  readonly clock: ManualClock;
  /**
   * `wx.cloud.callFunction` from a page of `app`, by the user `openid` or `{openid, unionid}`
   * (none: a call without user). `project.cloud.login.identity(app, person)` gives a person's ids.
   */
  call(app: AppSettings, name: string, data: unknown, user?: string | ClientUser): Promise<unknown>;
}

/**
 * The project's configuration on a fresh local cloud, running the BUILT bundles (the files that
 * deploy) on the given Node binary. The emulator's clock is manual so tests can age tokens.
 */
export async function startTestProject(nodeBinary?: string): Promise<TestProject> {
  if (!existsSync(join(BUILT_FUNCTIONS, 'api', 'index.js'))) {
    throw new Error('the cloud functions are not built: run `pnpm build` (pnpm test does it first)');
  }
  const clock = new ManualClock(Date.now());
  const project = await startProjectCloud({ root: REPO_ROOT, nodeBinary, clock, runtime: { idleCheckIntervalMs: 0 } });
  const A = project.config.apps.A;
  const B = project.config.apps.B;
  if (!A || !B) throw new Error('the example configuration must define apps A and B');
  return {
    ...project,
    A,
    B,
    clock,
    async call(app, name, data, user) {
      const { result } = await project.cloud.functions.invoke({
        envId: app.envId,
        name,
        ...clientInvocation(app.appid, data as Record<string, unknown>, typeof user === 'string' ? { openid: user } : (user ?? {})),
      });
      return result;
    },
  };
}

/** B's environment on a fresh local cloud, for the test of one built function. */
export interface BuiltFunctionInB {
  readonly project: ProjectCloud;
  readonly envId: string;
  readonly appid: string;
}

/**
 * The project's configuration on a fresh local cloud with the BUILT bundles and the real clock,
 * refusing (with the cloud stopped) when function `name` is not configured and built.
 */
export async function startBuiltFunctionInB(name: string): Promise<BuiltFunctionInB> {
  const project = await startProjectCloud({ root: REPO_ROOT, runtime: { idleCheckIntervalMs: 0 } });
  const B = project.config.apps.B;
  if (!B || !project.functions.includes(name)) {
    await project.cloud.stop();
    throw new Error(`${name} is not configured and built: run \`pnpm build\``);
  }
  return { project, envId: B.envId, appid: B.appid };
}
