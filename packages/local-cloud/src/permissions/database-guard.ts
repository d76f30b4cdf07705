import { queryFacts } from './query-constraints';
import { evaluateRule, RuleUnsupportedError, type RuleContext } from './rule-evaluator';
import type { DatabaseOperation, Permission } from './rule-set';
import { DATABASE_MODE_REACH } from './simple-modes';

/** One client database request, decoded. */
export interface ClientDatabaseRequest {
  readonly collection: string;
  readonly operation: DatabaseOperation;
  /** The caller's openid; none for a call without a user. */
  readonly openid: string | undefined;
  /** read / update / delete: the query's conditions (`{}` for all records; `{_id}` for doc(id)). */
  readonly query?: Readonly<Record<string, unknown>>;
  /** create: the new record, as it will be stored. */
  readonly record?: Readonly<Record<string, unknown>>;
  /** update: the change (`request.data`). */
  readonly data?: unknown;
  /** A `where().update()` / `where().remove()` touching many records. */
  readonly batch: boolean;
  readonly now: number;
}

export type GuardDecision =
  | { readonly allowed: true; /** Conditions ANDed to the query (simple modes' `_openid == caller`). */ readonly scope?: Readonly<Record<string, unknown>> }
  | { readonly allowed: false; readonly reason: string };

/**
 * Whether a page may run a database request under a collection's permission. Simple modes follow
 * DATABASE_MODE_REACH; custom rules must be PROVEN for every record the query can match (the
 * query is a subset of the rule), else the request is refused whole.
 */
export function guardDatabase(permission: Permission, request: ClientDatabaseRequest): GuardDecision {
  const where = `collection ${request.collection}`;
  if (permission.kind === 'simple') {
    const reach = DATABASE_MODE_REACH[permission.mode][request.operation];
    if (reach === 'none') return refuse(`${where} is ${permission.mode}: pages may not ${request.operation}`);
    if (reach === 'all') return { allowed: true };
    if (request.batch) return refuse(`${where} is ${permission.mode}: a page may ${request.operation} many records at once only under security rules`);
    if (request.openid === undefined) return refuse(`${where} is ${permission.mode}: the caller has no openid`);
    return { allowed: true, scope: { _openid: request.openid } };
  }
  const rule = permission.rules[request.operation];
  const context: RuleContext = {
    auth: request.openid === undefined ? null : { openid: request.openid },
    now: request.now,
    doc: request.operation === 'create' ? { kind: 'record', record: request.record ?? {} } : { kind: 'query', facts: queryFacts(request.query ?? {}) },
    ...(request.data !== undefined ? { requestData: request.data } : request.record ? { requestData: request.record } : {}),
  };
  try {
    const truth = evaluateRule(rule, context);
    if (truth === true) return { allowed: true };
    const text = rule.kind === 'constant' ? String(rule.value) : JSON.stringify(rule.text);
    return refuse(
      truth === false
        ? `${where}: the ${request.operation} rule ${text} does not hold`
        : `${where}: the query is not a subset of the ${request.operation} rule ${text} (its conditions must imply the rule, e.g. _openid: '{openid}')`,
    );
  } catch (error) {
    if (error instanceof RuleUnsupportedError) return refuse(`${where}: ${error.message}`);
    throw error;
  }
}

function refuse(reason: string): GuardDecision {
  return { allowed: false, reason };
}
