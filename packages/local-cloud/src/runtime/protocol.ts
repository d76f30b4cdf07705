/**
 * The messages between the runtime and an instance's runner (runner.js, plain JavaScript that
 * mirrors these shapes). Everything crosses the IPC channel as JSON.
 */

/** Environment changes for one invocation: a string sets the variable, null removes it. */
export type EnvPatch = Record<string, string | null>;

/**
 * Sent once the runner reported `ready`; the runner answers `warmed`. The exchange runs each
 * direction of the channel once while the instance starts, so its first-use cost (about a
 * millisecond of cold code on each side, measured in bench/wxhub-dev.ts) falls in the cold start
 * and not in the first invocation of a prewarmed instance. It runs no function code.
 */
export interface WarmupMessage {
  readonly type: 'warmup';
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly event: unknown;
  readonly context: FunctionContext;
  readonly env: EnvPatch;
}

export type RunnerMessage =
  /** The function's module is loaded: the instance's cold start is over. */
  | { readonly type: 'ready'; readonly pid: number; readonly node: string }
  /** The answer to WarmupMessage: the instance counts as started. */
  | { readonly type: 'warmed' }
  /** The module failed to load (or exports no main); the runner exits after sending this. */
  | { readonly type: 'init-error'; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: 'log'; readonly requestId: string | null; readonly level: string; readonly text: string }
  | { readonly type: 'result'; readonly requestId: string; readonly resultJson?: string }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly name: string;
      readonly message: string;
      readonly stack?: string;
      /** The instance is ending (an uncaught error): it must not be given another invocation. */
      readonly fatal?: boolean;
    };

/** The second argument of `exports.main`, shaped like the one WeChat's (SCF's) Node runtime passes. */
export interface FunctionContext {
  readonly callbackWaitsForEmptyEventLoop: boolean;
  readonly memory_limit_in_mb: number;
  readonly time_limit_in_ms: number;
  readonly request_id: string;
  /** `KEY=value;KEY=value` of the invocation's context variables (SCF's older format). */
  readonly environ: string;
  /** The same variables as a JSON object string (SCF's newer format, preferred by the SDKs). */
  readonly environment: string;
  readonly function_version: string;
  readonly function_name: string;
  readonly namespace: string;
}

export function isRunnerMessage(value: unknown): value is RunnerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'warmed' || type === 'init-error' || type === 'log' || type === 'result' || type === 'error';
}
