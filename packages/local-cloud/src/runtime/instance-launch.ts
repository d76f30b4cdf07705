import * as path from 'node:path';
import { instanceEnv } from './instance-env';
import type { PayloadLimits } from './payload-limits';

/**
 * How an instance of a function is started: the Node binary, the runner's arguments, the
 * process environment, how long it may take to come up. The one place these are decided, so a
 * per-function choice (Node runtime, NODE_PATH, environment variables) is made here and the
 * instance only executes it.
 */
export interface InstanceLaunch {
  /** The Node binary (WeChat's 16.13 / 18.15, or the local one). */
  readonly execPath: string;
  /** The function's built index.js, loaded before the instance counts as started. */
  readonly bundlePath: string;
  readonly cwd: string;
  /** The whole environment of the process (nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * How long starting may take: process spawn plus module load and initialisation. The
   * platform's initialisation limit, separate from the function's time limit.
   */
  readonly initTimeoutMs: number;
  /** How large and deep a result may be; the runner refuses larger ones. */
  readonly resultLimits: PayloadLimits;
}

export interface LaunchSettings {
  readonly nodeBinary: string;
  readonly nodePath?: string;
  readonly initTimeoutMs: number;
  readonly resultLimits: PayloadLimits;
}

export interface LaunchTarget {
  readonly envId: string;
  /** The built function's folder (index.js). */
  readonly dir: string;
  readonly backendUrl: string;
  /** Overrides the runtime's Node binary for this function. */
  readonly nodeBinary?: string;
  /** The function's own environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The launch of `target`'s instances under the runtime's `settings`. */
export function instanceLaunch(target: LaunchTarget, settings: LaunchSettings): InstanceLaunch {
  const bundlePath = path.resolve(target.dir, 'index.js');
  return {
    execPath: target.nodeBinary ?? settings.nodeBinary,
    bundlePath,
    cwd: path.dirname(bundlePath),
    env: instanceEnv({ backendUrl: target.backendUrl, envId: target.envId, nodePath: settings.nodePath, functionEnv: target.env }),
    initTimeoutMs: settings.initTimeoutMs,
    resultLimits: settings.resultLimits,
  };
}
