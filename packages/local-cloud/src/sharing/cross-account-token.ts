import { CloudErrcode } from '@wxhub/core';
import { ProtoWriter, type CommOpenApiResp, type TokenApiHandler } from '../openapi';
import { CloudFunctionError, FunctionNotFoundError, type FunctionRuntime } from '../runtime';
import type { CrossAccountCaller } from '../sdk-backend/sdk-env';
import type { CrossAccountCredentials, IssuedCredential } from './cross-account-credentials';
import type { ResourceSharing } from './share-grants';

/** The owner's function that admits cross-account callers; `init()` runs it before handing out a credential. */
export const CLOUDBASE_AUTH_FUNCTION = 'cloudbase_auth';

export interface CrossAccountTokenOptions {
  readonly sharing: ResourceSharing;
  readonly credentials: CrossAccountCredentials;
  readonly runtime: FunctionRuntime;
  /** Every recorded token request, for tests and the admin API. */
  readonly record?: (entry: CrossAccountTokenRequest) => void;
}

export interface CrossAccountTokenRequest {
  readonly resourceAppid: string;
  readonly resourceEnv: string;
  readonly caller: CrossAccountCaller;
  /** 0 when a credential was issued, else the code the SDK throws. */
  readonly errorCode: number;
  /** Why it was refused, in words (the SDK's error carries only the code). */
  readonly reason?: string;
}

/**
 * `getCrossAccountToken`, the cloud call `new cloud.Cloud({resourceAppid, resourceEnv}).init()`
 * makes through the calling function's own environment (wx-server-sdk 4.0.2,
 * src/utils/cross-account-token.ts): CommApiData {apiType: TOKEN_API, tokenData} in, a
 * CommOpenApiResp whose respData is `AuthorizationInfo {tcbCredentials {secretId, secretKey,
 * token} = 1, wxParam = 2}` out. Refusals travel as CommOpenApiResp.errorCode, which the SDK
 * throws as errCode: -601012 when the env is not the resource app's or not shared with the
 * caller; -601016 / -601015 / -601017 when the owner's cloudbase_auth is missing / answers
 * without errCode / refuses.
 */
export function crossAccountTokenApi(options: CrossAccountTokenOptions): TokenApiHandler {
  return async ({ tokenData, invocation }) => {
    const { resourceAppid, resourceEnv } = tokenData;
    const callerApp = options.sharing.ownerOfEnv(invocation.envId);
    const caller: CrossAccountCaller = {
      appid: callerApp?.appid ?? invocation.caller.appid ?? '',
      ...(invocation.caller.openid ? { openid: invocation.caller.openid } : {}),
      ...(invocation.caller.unionid ? { unionid: invocation.caller.unionid } : {}),
    };
    const answer = (errorCode: number, credential?: IssuedCredential, reason?: string): CommOpenApiResp => {
      options.record?.({ resourceAppid, resourceEnv, caller, errorCode, ...(reason ? { reason } : {}) });
      return credential ? { respData: encodeAuthorizationInfo(credential), httpCode: 200 } : { errorCode };
    };
    const owner = options.sharing.ownerOfEnv(resourceEnv);
    if (!owner || owner.appid !== resourceAppid)
      return answer(CloudErrcode.UNAUTHORIZED_ENV, undefined, `${resourceEnv} is not an environment of ${resourceAppid}`);
    if (!options.sharing.find(resourceEnv, caller.appid))
      return answer(CloudErrcode.UNAUTHORIZED_ENV, undefined, `${resourceEnv} is not shared with ${caller.appid}`);
    const refusal = await admittedByOwner(options.runtime, resourceEnv, caller);
    if (refusal !== undefined) return answer(refusal.code, undefined, refusal.reason);
    return answer(0, options.credentials.issue(resourceEnv, caller));
  };
}

/** Runs the owner's cloudbase_auth for the caller: undefined when it admits, else the refusal. */
async function admittedByOwner(runtime: FunctionRuntime, envId: string, caller: CrossAccountCaller): Promise<{ code: number; reason: string } | undefined> {
  let result: unknown;
  try {
    ({ result } = await runtime.invoke({ envId, name: CLOUDBASE_AUTH_FUNCTION, event: {}, caller: { from: caller } }));
  } catch (error) {
    // UNCERTAIN: WeChat's guide says a missing cloudbase_auth is reported as "FunctionName not found";
    // the local cloud answers the SDK's "missing env auth info" for that and for a failing one.
    if (error instanceof FunctionNotFoundError)
      return { code: CloudErrcode.MISSING_ENV_AUTH_INFO, reason: `${envId} has no ${CLOUDBASE_AUTH_FUNCTION} function` };
    if (error instanceof CloudFunctionError) return { code: CloudErrcode.MISSING_ENV_AUTH_INFO, reason: `${CLOUDBASE_AUTH_FUNCTION} failed: ${error.errMsg}` };
    throw error;
  }
  const errCode = typeof result === 'object' && result !== null ? (result as { errCode?: unknown }).errCode : undefined;
  if (errCode === undefined || errCode === null || errCode === '')
    return { code: CloudErrcode.CLOUDBASE_AUTH_EMPTY_ERRCODE, reason: `${CLOUDBASE_AUTH_FUNCTION} answered no errCode` };
  return Number(errCode) === 0
    ? undefined
    : { code: CloudErrcode.CLOUDBASE_AUTH_REFUSED, reason: `${CLOUDBASE_AUTH_FUNCTION} refused (errCode ${String(errCode)})` };
}

function encodeAuthorizationInfo(credential: IssuedCredential): Buffer {
  const credentials = new ProtoWriter().string(1, credential.secretId).string(2, credential.secretKey).string(3, credential.token).finish();
  return new ProtoWriter().bytes(1, credentials).bytes(2, credential.wxParam).finish();
}
