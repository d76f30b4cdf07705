import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Service } from '../http/router';
import type { AppConfig } from '../config';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { BackendCode } from '../sdk-backend/backend-error';
import { decodeEjsonObject } from '../sdk-backend/document-codec';
import { newRequestId, type PlainObject } from '../sdk-backend/documents';
import { guardDatabase, type DatabaseOperation, type PagePermissions } from '../permissions';
import { requestFailure } from './client-failures';
import { resolveClientTarget } from './client-target';

export interface ClientDatabaseApiOptions {
  readonly apps: readonly AppConfig[];
  readonly backend: Pick<CloudBackend, 'perform'>;
  readonly permissions: PagePermissions;
  readonly clock: { now(): number };
}

/** A page's `get()` returns at most this many records, and this many when it names no limit. */
export const CLIENT_MAX_LIMIT = 20;

/** The string a page may put in a query or record for "my openid" (`where({_openid: '{openid}'})`). */
export const OPENID_PLACEHOLDER = '{openid}';

const READ_ACTIONS: Readonly<Record<string, DatabaseOperation>> = {
  'database.getDocument': 'read',
  'database.calculateDocument': 'read',
  'database.aggregateDocuments': 'read',
  'database.insertDocument': 'create',
  'database.modifyDocument': 'update',
  'database.removeDocument': 'delete',
};

/**
 * A mini program page's database, over HTTP: `POST /client/database {appid|app, env?, openid,
 * action, params}` with the action and parameters the client SDK family's query builder
 * (@cloudbase/database) sends. Each request runs as the caller (`openid`, the identity the
 * client-call endpoint uses too), under the client's rules: the collection's permission or
 * security rule is checked first (-502003 `DATABASE_PERMISSION_DENIED` when it refuses — a query
 * that is not a subset of a rule is refused whole), `add` stamps `_openid`, a `get` returns at
 * most 20 records, and what only the server SDK can do (transactions, createCollection,
 * updateAndReturn) is refused. Answers are the backend's: `{requestId, data}` or
 * `{requestId, code, message}`.
 */
export class ClientDatabaseApi {
  static readonly PATH = '/database';
  readonly service: Service;

  constructor(private readonly options: ClientDatabaseApiOptions) {
    this.service = { prefix: '/client', routes: [{ method: '*', path: ClientDatabaseApi.PATH, handler: (request) => this.handle(request) }] };
  }

  private async handle(request: EmulatorRequest): Promise<EmulatorReply> {
    if (request.method.toUpperCase() !== 'POST') return requestFailure(405, 'use POST with a JSON body');
    const body = parseJsonBody(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return requestFailure(400, 'the body must be a JSON object');
    const { appid, app, env, openid, action, params } = body as Record<string, unknown>;
    for (const [field, value] of Object.entries({ appid, app, env, openid })) {
      if (value !== undefined && (typeof value !== 'string' || value === '')) return requestFailure(400, `${field} should be a non-empty String`);
    }
    if (typeof action !== 'string' || typeof params !== 'object' || params === null || Array.isArray(params))
      return requestFailure(400, 'action (string) and params (object) are required');
    const target = resolveClientTarget(this.options.apps, {
      appid: appid as string | undefined,
      app: app as string | undefined,
      env: env as string | undefined,
    });
    if (!target.ok) return requestFailure(target.status, target.reason);
    const reply = await this.run(target.envId, action, params as PlainObject, openid as string | undefined, request);
    return { body: reply };
  }

  private async run(envId: string, action: string, params: PlainObject, openid: string | undefined, request: EmulatorRequest): Promise<PlainObject> {
    try {
      return await this.checked(envId, action, params, openid, request);
    } catch (error) {
      if (error instanceof ClientRefusal) return refusal(error.code, error.message);
      throw error;
    }
  }

  private async checked(envId: string, action: string, params: PlainObject, openid: string | undefined, request: EmulatorRequest): Promise<PlainObject> {
    const operation = READ_ACTIONS[action];
    if (!operation) return refusal(BackendCode.INVALID_ACTION, `${action} is server-only (wx-server-sdk): a page cannot call it`);
    if (params.transactionId !== undefined) return refusal(BackendCode.INVALID_ACTION, 'transactions are server-only (wx-server-sdk): a page cannot use them');
    const collection = params.collectionName;
    if (typeof collection !== 'string' || collection === '') return refusal(BackendCode.INVALID_PARAM, 'collectionName must be a non-empty string');
    const now = this.options.clock.now();
    const sent = withOpenid(params, openid);
    const permission = this.options.permissions.collection(envId, collection);
    const batch = sent.multi === true;

    if (operation === 'create') {
      const records = Array.isArray(sent.data) ? sent.data : [];
      const stamped: string[] = [];
      for (const [i, text] of records.entries()) {
        const record = decode(text, `data[${i}]`, now);
        if (record._openid !== undefined && record._openid !== openid) {
          return refusal(BackendCode.DATABASE_PERMISSION_DENIED, `collection ${collection}: a page may not set _openid to another user`);
        }
        if (openid === undefined) return refusal(BackendCode.DATABASE_PERMISSION_DENIED, `collection ${collection}: adding needs a user (openid)`);
        const decision = guardDatabase(permission, { collection, operation, openid, record: { ...record, _openid: openid }, batch: false, now });
        if (!decision.allowed) return refusal(BackendCode.DATABASE_PERMISSION_DENIED, decision.reason);
        stamped.push(JSON.stringify({ ...(JSON.parse(text as string) as PlainObject), _openid: openid }));
      }
      return this.options.backend.perform(envId, action, { ...sent, data: stamped }, request);
    }

    const query = sent.query === undefined || sent.query === null ? {} : decode(sent.query, 'query', now);
    if (operation === 'update' && touchesOpenid(decode(sent.data, 'data', now))) {
      return refusal(BackendCode.DATABASE_PERMISSION_DENIED, `collection ${collection}: a page may not change _openid`);
    }
    const decision = guardDatabase(permission, {
      collection,
      operation,
      openid,
      query,
      batch,
      now,
      ...(operation === 'update' ? { data: decode(sent.data, 'data', now) } : {}),
    });
    if (!decision.allowed) return refusal(BackendCode.DATABASE_PERMISSION_DENIED, decision.reason);
    let scoped = sent;
    if (decision.scope) {
      const scope = JSON.stringify(decision.scope);
      scoped =
        action === 'database.aggregateDocuments'
          ? { ...sent, stages: [{ stageKey: '$match', stageValue: scope }, ...(Array.isArray(sent.stages) ? sent.stages : [])] }
          : { ...sent, query: sent.query === undefined || sent.query === null ? scope : `{"$and":[${sent.query as string},${scope}]}` };
    }
    if (action === 'database.getDocument') {
      const limit = typeof scoped.limit === 'number' ? scoped.limit : CLIENT_MAX_LIMIT;
      scoped = { ...scoped, limit: Math.min(limit, CLIENT_MAX_LIMIT) };
    }
    return this.options.backend.perform(envId, action, scoped, request);
  }
}

class ClientRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function refusal(code: string, message: string): PlainObject {
  return { requestId: newRequestId(), code, message };
}

function decode(text: unknown, field: string, now: number): PlainObject {
  try {
    return decodeEjsonObject(text, field, now);
  } catch (error) {
    throw new ClientRefusal(BackendCode.INVALID_PARAM, (error as Error).message);
  }
}

/**
 * `'{openid}'` in the query or the records becomes the caller's openid (EJSON text is JSON; a
 * string value stays a string). Without a user it cannot be resolved, so it is refused.
 */
function withOpenid(params: PlainObject, openid: string | undefined): PlainObject {
  const replace = (value: unknown): unknown => {
    if (value === OPENID_PLACEHOLDER) {
      if (openid === undefined) throw new ClientRefusal(BackendCode.DATABASE_PERMISSION_DENIED, `'${OPENID_PLACEHOLDER}' needs a user (openid)`);
      return openid;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  const inText = (text: unknown): unknown => {
    if (typeof text !== 'string' || !text.includes(OPENID_PLACEHOLDER)) return text;
    try {
      return JSON.stringify(replace(JSON.parse(text)));
    } catch (error) {
      if (error instanceof ClientRefusal) throw error;
      return text; // not JSON: the backend's decoder refuses it with its own message
    }
  };
  return {
    ...params,
    ...(params.query !== undefined ? { query: inText(params.query) } : {}),
    ...(Array.isArray(params.data) ? { data: params.data.map(inText) } : params.data !== undefined ? { data: inText(params.data) } : {}),
  };
}

/** Whether an update's data sets, unsets or renames `_openid` (plain fields or inside operators). */
function touchesOpenid(data: PlainObject): boolean {
  return Object.entries(data).some(([key, value]) => {
    if (key === '_openid' || key.startsWith('_openid.')) return true;
    if (key.startsWith('$') && typeof value === 'object' && value !== null) {
      return Object.entries(value as PlainObject).some(([field, v]) => field === '_openid' || field.startsWith('_openid.') || v === '_openid');
    }
    return false;
  });
}
