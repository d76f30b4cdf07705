import { randomBytes } from 'node:crypto';
import type { CallerIdentity } from '../sdk-backend/sdk-env';

/** The invocation a WX_API_TOKEN stands for. */
export interface InvocationContext {
  readonly envId: string;
  readonly functionName: string;
  /** Who the invocation runs for (what its getWXContext() returns). */
  readonly caller: CallerIdentity;
  /** The function's config.json `permissions.openapi`: the cloud calls (云调用) it may make. */
  readonly openapi: readonly string[];
}

/**
 * WeChat gives every invocation of a cloud function a `WX_API_TOKEN` (listed in
 * WX_CONTEXT_KEYS, hidden from getWXContext()), and @cloudbase/node-sdk sends it with every
 * backend request as the `wxCloudApiToken` parameter. That is how the backend knows which
 * function, running for which user, makes a call: the local cloud does the same. A token lives
 * for its invocation only.
 */
export class ApiTokens {
  private readonly contexts = new Map<string, InvocationContext>();

  issue(context: InvocationContext): string {
    const token = `local-wx-api-token-${randomBytes(24).toString('hex')}`;
    this.contexts.set(token, context);
    return token;
  }

  /** The invocation behind a token; undefined for none, an unknown one or a revoked one. */
  resolve(token: unknown): InvocationContext | undefined {
    return typeof token === 'string' && token !== '' ? this.contexts.get(token) : undefined;
  }

  revoke(token: string): void {
    this.contexts.delete(token);
  }

  /** Tokens alive now (one per invocation in progress). */
  get size(): number {
    return this.contexts.size;
  }
}
