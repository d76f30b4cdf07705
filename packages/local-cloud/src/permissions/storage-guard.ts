import { evaluateRule, RuleUnsupportedError } from './rule-evaluator';
import type { StorageOperation, StoragePermission } from './rule-set';
import type { GuardDecision } from './database-guard';
import { STORAGE_MODE_REACH } from './simple-modes';

export interface ClientStorageRequest {
  readonly operation: StorageOperation;
  readonly openid: string | undefined;
  /** The file's path in the bucket. */
  readonly path: string;
  /** Who uploaded it (`resource.openid`); undefined for a file a function or the console wrote, or a new upload. */
  readonly owner: string | undefined;
  /** A new file (an upload to a path that holds none): it becomes the caller's own. */
  readonly creating: boolean;
  readonly now: number;
}

/** Whether a page may read (download, temp URL) or write (upload, overwrite, delete) a file. */
export function guardStorage(permission: StoragePermission, request: ClientStorageRequest): GuardDecision {
  const owner = request.creating ? request.openid : request.owner;
  if (permission.kind === 'simple') {
    const reach = STORAGE_MODE_REACH[permission.mode][request.operation];
    if (reach === 'all') return { allowed: true };
    if (reach === 'own' && request.openid !== undefined && owner === request.openid) return { allowed: true };
    return { allowed: false, reason: `storage is ${permission.mode}: this page may not ${request.operation} ${request.path}` };
  }
  const rule = permission.rules[request.operation];
  try {
    const truth = evaluateRule(rule, {
      auth: request.openid === undefined ? null : { openid: request.openid },
      now: request.now,
      doc: { kind: 'record', record: {} },
      resource: { openid: owner, path: request.path },
    });
    if (truth === true) return { allowed: true };
    return {
      allowed: false,
      reason: `storage: the ${request.operation} rule ${rule.kind === 'constant' ? String(rule.value) : JSON.stringify(rule.text)} does not hold for ${request.path}`,
    };
  } catch (error) {
    if (error instanceof RuleUnsupportedError) return { allowed: false, reason: `storage: ${error.message}` };
    throw error;
  }
}
