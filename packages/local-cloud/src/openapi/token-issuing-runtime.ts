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
    try {
      return await super.invoke({
        ...options,
        env: { ...options.env, WX_API_TOKEN: token, WX_CONTEXT_KEYS: [...keys.split(',').filter(Boolean), 'WX_API_TOKEN'].join(',') },
      });
    } finally {
      this.tokens.revoke(token);
    }
  }
}
