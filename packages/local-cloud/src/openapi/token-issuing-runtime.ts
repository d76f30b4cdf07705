import { performance } from 'node:perf_hooks';
import { CloudFunctionError } from '../runtime/errors';
import { FunctionRuntime, type FunctionRegistration, type FunctionRuntimeOptions, type InvokeOptions, type InvokeResult } from '../runtime/function-runtime';
import { sdkProcessEnv } from '../sdk-backend/sdk-env';
import type { ApiTokens } from './api-tokens';
import { readOpenApiPermissions } from './function-permissions';

/**
 * The function runtime as WeChat runs it for the backend's sake: every invocation gets a fresh
 * WX_API_TOKEN (added to WX_CONTEXT_KEYS, as on WeChat, where wx-server-sdk reads it and
 * getWXContext() hides it) that the backend resolves to the function, its caller and its
 * config.json openapi permissions. The token is revoked when the invocation ends.
 *
 * A subclass rather than an option of FunctionRuntime so that every caller of `invoke` (the
 * HTTP API, triggers, tests) gets tokens without knowing about them.
 */
export class TokenIssuingRuntime extends FunctionRuntime {
  private readonly permissions = new Map<string, readonly string[]>();
  private readonly observers = new Set<(record: InvocationRecord) => void>();

  /** Calls `observer` after every invocation, answered or failed (the dev loop's terminal line); returns the unsubscribe. */
  onInvocation(observer: (record: InvocationRecord) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  constructor(
    options: FunctionRuntimeOptions,
    readonly tokens: ApiTokens,
  ) {
    super(options);
  }

  override register(registration: FunctionRegistration): void {
    // Read first: a malformed permissions block fails the deployment, as the upload would on WeChat.
    const openapi = readOpenApiPermissions(registration.dir);
    super.register(registration);
    this.permissions.set(`${registration.envId}/${registration.name}`, openapi);
  }

  override async invoke(options: InvokeOptions): Promise<InvokeResult> {
    const token = this.tokens.issue({
      envId: options.envId,
      functionName: options.name,
      caller: options.caller ?? {},
      openapi: this.permissions.get(`${options.envId}/${options.name}`) ?? [],
    });
    const keys = options.env?.WX_CONTEXT_KEYS ?? sdkProcessEnv({ backendUrl: '', envId: options.envId, caller: options.caller }).WX_CONTEXT_KEYS ?? '';
    const startedAt = performance.now();
    try {
      const result = await super.invoke({
        ...options,
        env: { ...options.env, WX_API_TOKEN: token, WX_CONTEXT_KEYS: [...keys.split(',').filter(Boolean), 'WX_API_TOKEN'].join(',') },
      });
      this.notify({
        envId: options.envId,
        name: options.name,
        caller: options.caller,
        requestId: result.requestId,
        durationMs: result.durationMs,
        coldStart: result.coldStart,
      });
      return result;
    } catch (error) {
      this.notify({
        envId: options.envId,
        name: options.name,
        caller: options.caller,
        durationMs: performance.now() - startedAt,
        ...(error instanceof CloudFunctionError
          ? { errCode: error.errCode, errMsg: error.errMsg, ...(error.requestId ? { requestId: error.requestId } : {}) }
          : { errMsg: error instanceof Error ? error.message : String(error) }),
      });
      throw error;
    } finally {
      this.tokens.revoke(token);
    }
  }

  private notify(record: InvocationRecord): void {
    for (const observer of this.observers) {
      try {
        observer(record);
      } catch {
        // An observer's failure is its own; the call it observed went as reported.
      }
    }
  }
}

/** One invocation as the dev loop reports it. */
export interface InvocationRecord {
  readonly envId: string;
  readonly name: string;
  readonly caller?: InvokeOptions['caller'];
  readonly requestId?: string;
  readonly durationMs: number;
  /** Known when the call got an instance (a failure before that leaves it undefined). */
  readonly coldStart?: boolean;
  /** The platform error code of a failed call (-504002, -504003, ...). */
  readonly errCode?: number;
  readonly errMsg?: string;
}
