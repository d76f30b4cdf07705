import { sdkProcessEnv, type CallerIdentity } from '../sdk-backend/sdk-env';
import type { EnvPatch } from './protocol';

/** What an instance inherits from the local cloud's own process: enough to run, no secrets. */
const INHERITED_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG'] as const;

export interface InstanceEnvOptions {
  readonly backendUrl: string;
  readonly envId: string;
  /** NODE_PATH, where the bundle's externals (wx-server-sdk) are found. */
  readonly nodePath?: string;
  /** The function's own environment variables (WeChat console: 环境变量). */
  readonly functionEnv?: Readonly<Record<string, string>>;
  /** Defaults to process.env; only INHERITED_KEYS are taken from it. */
  readonly parentEnv?: NodeJS.ProcessEnv;
}

/**
 * The environment an instance starts with: a minimal inherited one, WeChat's cloud time zone
 * (UTC), what wx-server-sdk needs to reach the local cloud, then the function's own variables.
 * It carries no caller: identities are applied per invocation (invocationEnv).
 */
export function instanceEnv(options: InstanceEnvOptions): Record<string, string> {
  const parentEnv = options.parentEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const key of INHERITED_KEYS) {
    const value = parentEnv[key];
    if (value !== undefined) env[key] = value;
  }
  env.TZ = 'UTC';
  Object.assign(env, sdkProcessEnv({ backendUrl: options.backendUrl, envId: options.envId }));
  if (options.nodePath) env.NODE_PATH = options.nodePath;
  Object.assign(env, options.functionEnv);
  return env;
}

export interface InvocationEnvOptions {
  readonly backendUrl: string;
  readonly envId: string;
  readonly caller?: CallerIdentity;
  /** Variables of this invocation only, e.g. TRIGGER_SRC=timer. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * How one invocation's environment differs from the instance's caller-less one: whatever
 * sdkProcessEnv sets differently for this caller (WX_OPENID, WX_CONTEXT_KEYS, TCB_SOURCE, ...),
 * including variables it drops (null). Derived, so it follows sdkProcessEnv as that evolves.
 */
export function invocationEnv(options: InvocationEnvOptions): EnvPatch {
  const base = sdkProcessEnv({ backendUrl: options.backendUrl, envId: options.envId });
  const full: Record<string, string> = {
    ...sdkProcessEnv({ backendUrl: options.backendUrl, envId: options.envId, caller: options.caller }),
    ...options.extra,
  };
  const patch: EnvPatch = {};
  for (const [key, value] of Object.entries(full)) if (base[key] !== value) patch[key] = value;
  for (const key of Object.keys(base)) if (!(key in full)) patch[key] = null;
  return patch;
}

/** Variables a function may read about its invocation, for context.environ/environment. */
const CONTEXT_KEYS = ['WX_CONTEXT_KEYS', 'TCB_CONTEXT_KEYS', 'TCB_ENV', 'SCF_NAMESPACE', 'TCB_SOURCE', 'TRIGGER_SRC'];

/**
 * The invocation's context variables as SCF hands them to `main` in `context.environment`:
 * the keys WX_CONTEXT_KEYS names (the caller) and the environment's identity. TCB_CONTEXT_KEYS'
 * own list is not expanded: it names the SDK's connection settings, which are no business of
 * the function's context.
 */
export function contextVariables(env: Readonly<Record<string, string>>, patch: EnvPatch): Record<string, string> {
  const merged: Record<string, string> = { ...env };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const keys = new Set(CONTEXT_KEYS);
  for (const key of (merged.WX_CONTEXT_KEYS ?? '').split(',')) if (key) keys.add(key);
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = merged[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
