import { BackendCode, CloudBackendError } from '../sdk-backend/backend-error';
import type { CrossAccountCheck } from '../sdk-backend/action-types';
import type { CrossAccountCredentials } from './cross-account-credentials';
import type { ResourceSharing, SharePermission } from './share-grants';

/** Which grant permission an SDK action needs. */
function permissionOf(action: string): SharePermission {
  if (action.startsWith('functions.')) return 'functions';
  if (action.startsWith('storage.')) return 'storage';
  if (action.startsWith('wx.')) return 'openapi';
  return 'database';
}

/**
 * The backend's check of requests carrying `crossAuthorizationToken`: the credential must be one
 * the token call issued, for this env, and the grant must still stand (unsharing takes effect at
 * once) and cover the action. The answer is the caller, which callFunction turns into A's
 * FROM_OPENID / FROM_APPID / FROM_UNIONID. UNCERTAIN: the codes WeChat's backend answers here;
 * the local cloud refuses with INVALID_REQUEST_SOURCE (-501008) and a message naming why.
 */
export function crossAccountGuard(sharing: ResourceSharing, credentials: CrossAccountCredentials): CrossAccountCheck {
  return ({ action, envId, params }) => {
    const token = params.crossAuthorizationToken;
    if (typeof token !== 'string' || token === '') return undefined;
    const grant = credentials.resolve(token);
    if (!grant) throw refuse('the cross-account credential is unknown or expired: call init() on a new cloud.Cloud instance');
    if (grant.envId !== envId) throw refuse(`the cross-account credential is for env ${grant.envId}, not ${envId}`);
    const share = sharing.find(envId, grant.caller.appid);
    if (!share) throw refuse(`unauthorized env: ${envId} is no longer shared with ${grant.caller.appid}`);
    const needed = permissionOf(action);
    if (!share.permissions.includes(needed))
      throw refuse(`no privilege permission: the share of ${envId} with ${grant.caller.appid} does not include ${needed}`);
    return grant.caller;
  };
}

function refuse(message: string): CloudBackendError {
  return new CloudBackendError(BackendCode.INVALID_REQUEST_SOURCE, message);
}
