import { guardStorage, type PagePermissions, type StorageOperation } from '../permissions';
import { optionalString } from '../sdk-backend/action-params';
import type { ActionContext, ActionReply } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { isPlainObject } from '../sdk-backend/documents';
import type { CloudStorage } from './cloud-storage';
import { parseFileId } from './file-ids';

const AUTHORITY_TYPES = ['READ', 'WRITE', 'READWRITE'] as const;
type AuthorityType = (typeof AUTHORITY_TYPES)[number];

/**
 * `storage.getFileAuthority` (@cloudbase/node-sdk 3.x `app.getFileAuthority`; wx-server-sdk has no
 * such call): `{openId, uid, loginType, fileList: [{path, type: READ | WRITE | READWRITE}]}` from a
 * function running for a user → `data: [{path, cosFileId, read, write}]`, whether THAT user may read
 * / write each file under the bucket's permission — the one pages are held to (permissions/,
 * storage settings). node-sdk refuses the call itself when no user is in context ("admin do not
 * need getCosFileAuthority"); the backend does too. `path` is a fileID (what node-sdk's own test
 * passes) or a path in the bucket; a file that does not exist yet is judged as the user's new
 * upload. `cosFileId` is the file's key in the bucket: the real backend's COS object id is internal.
 */
export function registerFileAuthorityAction(backend: CloudBackend, storage: CloudStorage, permissions: PagePermissions): void {
  backend.registerAction('storage.getFileAuthority', (ctx) => getFileAuthority(storage, permissions, ctx));
}

function getFileAuthority(storage: CloudStorage, permissions: PagePermissions, ctx: ActionContext): ActionReply {
  const list = ctx.params.fileList;
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('fileList must be a non-empty array of {path, type}');
  // A CloudBase (non-WeChat) login has a uid and no openid; its files' owner is that uid.
  const user = optionalString(ctx.params, 'openId') ?? optionalString(ctx.params, 'uid');
  if (user === undefined) throw invalidParam('getFileAuthority answers for a user (openId or uid); an admin call needs no file authority');
  const permission = permissions.storage(ctx.envId);
  const data = list.map((item: unknown, i) => {
    if (!isPlainObject(item) || typeof item.path !== 'string' || item.path === '') {
      throw invalidParam(`fileList[${i}].path must be a fileID or a cloud path`);
    }
    if (!AUTHORITY_TYPES.includes(item.type as AuthorityType)) throw invalidParam(`fileList[${i}].type must be READ, WRITE or READWRITE`);
    const path = bucketPath(ctx.envId, item.path, i);
    const found = storage.lookup(ctx.envId, storage.fileId(ctx.envId, path));
    const owner = found.ok ? found.file.owner : undefined;
    const may = (operation: StorageOperation): boolean =>
      guardStorage(permission, { operation, openid: user, path, owner, creating: !found.ok, now: ctx.now }).allowed;
    return { path: item.path, cosFileId: path, read: may('read'), write: may('write') };
  });
  return { data };
}

/** The file's path in the environment's bucket; a fileID of another environment is refused. */
function bucketPath(envId: string, given: string, index: number): string {
  if (!given.startsWith('cloud://')) return given.replace(/^\/+/, '');
  const ref = parseFileId(given);
  if (!ref) throw invalidParam(`fileList[${index}].path is not a fileID: ${given}`);
  if (ref.envId !== envId) throw invalidParam(`fileList[${index}].path ${given} belongs to environment ${ref.envId}, not ${envId}`);
  return ref.path;
}
