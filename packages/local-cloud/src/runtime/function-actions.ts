import { CloudBackendCode } from '@wxhub/core';
import type { EmulatorRequest } from '../http/router';
import { requiredString } from '../sdk-backend/action-params';
import type { ActionContext, ActionReply } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import type { CallerIdentity } from '../sdk-backend/sdk-env';
import { CloudFunctionError, FunctionNotFoundError, FunctionPayloadError } from './errors';
import type { FunctionRuntime } from './function-runtime';

/**
 * What resolves a calling invocation's WX_API_TOKEN to who it runs for (the openapi folder's
 * ApiTokens, which the composition root passes in); named by shape so the runtime does not depend
 * on the openapi folder, which depends on the runtime.
 */
export interface CallerTokens {
  resolve(token: unknown): { readonly caller: CallerIdentity } | undefined;
}

export interface FunctionActionsOptions {
  /** Resolves the calling invocation's WX_API_TOKEN (`wxCloudApiToken`); without it a callee sees no caller. */
  readonly tokens?: CallerTokens;
  /**
   * Whether a callee sees the OPENID / APPID / UNIONID of the invocation that called it.
   * UNCERTAIN: WeChat documents only that SOURCE follows the chain ("wx_client,scf"); the token
   * the SDK sends carries the caller's context, so the local cloud forwards it by default.
   */
  readonly forwardCallerIdentity?: boolean;
}

/**
 * The string codes the backend answers function calls with; @cloudbase/node-sdk 3.17.2 turns a
 * `{code, message}` answer into a thrown error whose `code` is this string and whose message is
 * `callFunction:fail <message>` (wx-server-sdk 4.0.2 then reports errCode -1: its own table, which
 * maps these to -504001 / -504002, is only reached when the SDK does not throw).
 */
export const FunctionsCode = {
  /** No such function in the environment: FUNCTION_NOT_FOUND, as node-sdk's own tests expect of the real backend. */
  NOT_FOUND: CloudBackendCode.FUNCTION_NOT_FOUND,
  EXECUTE_FAIL: CloudBackendCode.FUNCTIONS_EXECUTE_FAIL,
} as const;

/**
 * The function runtime's adapter on the SDK backend, mounted by the composition root (as storage
 * and openapi mount theirs): `functions.invokeFunction` (cloud.callFunction inside a cloud function):
 * `{function_name, request_data: JSON string, wxCloudApiToken}` → `data.response_data`, the
 * result as a JSON string. The callee runs in the requested environment through the
 * FunctionRuntime; its SOURCE is the caller's chain as the SDK sends it in `X-TCB-Source`
 * (`<caller's TCB_SOURCE>,scf`), so a mini program → A → B call shows `wx_client,scf` in B.
 */
export function registerFunctionActions(backend: CloudBackend, runtime: FunctionRuntime, options: FunctionActionsOptions = {}): void {
  backend.registerAction('functions.invokeFunction', (ctx) => invokeFunction(ctx, runtime, options));
}

async function invokeFunction(ctx: ActionContext, runtime: FunctionRuntime, options: FunctionActionsOptions): Promise<ActionReply> {
  const name = requiredString(ctx.params, 'function_name');
  const event = readRequestData(ctx.params.request_data);
  const calling = options.tokens?.resolve(ctx.params.wxCloudApiToken);
  const forward = options.forwardCallerIdentity ?? true;
  // A call from another mini program's function through cross-account sharing runs for nobody
  // of this app: the callee sees the calling app and its user as FROM_APPID / FROM_OPENID / FROM_UNIONID.
  const caller: CallerIdentity = ctx.crossAccount
    ? { from: ctx.crossAccount, source: callerSource(ctx.request) }
    : { ...(forward && calling ? pickIdentity(calling.caller) : {}), source: callerSource(ctx.request) };
  try {
    const { result } = await runtime.invoke({ envId: ctx.envId, name, event, caller });
    return { data: { response_data: JSON.stringify(result ?? null) } };
  } catch (error) {
    // The refusal shape is the backend's `{requestId, code, message}`; the message carries the
    // function's error name and text, never its stack (that stays in the function's logs).
    if (error instanceof FunctionNotFoundError) return { code: FunctionsCode.NOT_FOUND, message: error.errMsg };
    if (error instanceof FunctionPayloadError) throw invalidParam(error.errMsg);
    if (error instanceof CloudFunctionError) return { code: FunctionsCode.EXECUTE_FAIL, message: error.errMsg };
    throw error;
  }
}

/** The SDK sends `JSON.stringify(data)`, or '' when there is no data. */
function readRequestData(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'string') throw invalidParam('request_data must be a JSON string');
  try {
    return JSON.parse(value);
  } catch {
    throw invalidParam('request_data is not valid JSON');
  }
}

function pickIdentity(caller: CallerIdentity): CallerIdentity {
  return {
    ...(caller.openid ? { openid: caller.openid } : {}),
    ...(caller.appid ? { appid: caller.appid } : {}),
    ...(caller.unionid ? { unionid: caller.unionid } : {}),
  };
}

/** `X-TCB-Source` is `<TCB_SOURCE>,<run env tag>`; an empty TCB_SOURCE leaves a leading comma. */
function callerSource(request: EmulatorRequest): string {
  const header = request.headers['x-tcb-source'];
  const value = Array.isArray(header) ? header[0] : header;
  const chain = (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return chain.length > 0 ? chain.join(',') : 'scf';
}
