import { parseDbQuery, type ParsedQuery, type QueryOp } from '../db-query';
import type { EmulatorReply, EmulatorRequest, Handler } from '../http/router';
import { collectionMissing, type LocalDatabase } from '../sdk-backend/local-database';
import { wechatError } from '../wechat/errcodes';
import { authorize, type AuthorizeDeps } from './authorize';
import { collectionPage } from './database/collections';
import { databaseErrorBody } from './database/errors';
import { optionalCount, requiredText } from './database/params';
import { runAdd, runAggregate, runCount, runGet, runRemove, runUpdate } from './database/run-query';

export interface DatabaseApiDeps extends AuthorizeDeps {
  /** The environments' databases (CloudBackend satisfies this). */
  readonly backend: { database(envId: string): LocalDatabase };
}

export interface DatabaseRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: Handler;
}

/** Collections per `databasecollectionget` page at most (WeChat documents only the default, 10). */
const MAX_COLLECTION_PAGE = 1000;

type QueryOf<K extends QueryOp> = Extract<ParsedQuery, { op: K }>;

/**
 * WeChat's cloud database HTTP API (`POST /tcb/database*?access_token=…`, body `{env, query}`),
 * for servers outside WeChat's cloud. `query` is `db.collection(…)…` text: it is parsed by the
 * whitelisting parser (never evaluated) and must be the kind of query the endpoint runs — a
 * `.get()` sent to databaseupdate is refused (40097), not run. Answers are WeChat's: HTTP 200,
 * `{errcode: 0, errmsg: 'ok', …}` or `{errcode, errmsg: '… rid: …'}`; cloud errcodes and texts
 * are wx-server-sdk's (-502005 for a missing collection, -501007/-502002 for a refused query).
 */
export function databaseRoutes(deps: DatabaseApiDeps): DatabaseRoute[] {
  const route = (api: string, handler: Handler): DatabaseRoute => ({ method: '*', path: `/tcb/${api}`, handler });
  return [
    route('databasequery', queryApi(deps, 'databasequery', ['get'], 'a read query (….get())', runGet)),
    route('databaseadd', queryApi(deps, 'databaseadd', ['add'], 'an insert query (….add({data: …}))', runAdd)),
    route(
      'databaseupdate',
      queryApi(deps, 'databaseupdate', ['update', 'set'], 'an update query (….update({data: …}) or ….doc(id).set({data: …}))', runUpdate),
    ),
    route('databasedelete', queryApi(deps, 'databasedelete', ['remove'], 'a delete query (….remove())', runRemove)),
    route('databasecount', queryApi(deps, 'databasecount', ['count'], 'a count query (….count())', runCount)),
    route('databaseaggregate', queryApi(deps, 'databaseaggregate', ['aggregate'], 'an aggregation (….aggregate()….end())', runAggregate)),
    route(
      'databasecollectionadd',
      collectionApi(deps, (database, name) => database.createCollection(name)),
    ),
    route(
      'databasecollectiondelete',
      collectionApi(deps, (database, name) => {
        if (!database.dropCollection(name)) throw collectionMissing(name);
      }),
    ),
    route('databasecollectionget', collectionListApi(deps)),
  ];
}

function queryApi<K extends QueryOp>(
  deps: DatabaseApiDeps,
  api: string,
  accepts: readonly K[],
  expected: string,
  run: (database: LocalDatabase, query: QueryOf<K>, nowMs: number) => object,
): Handler {
  const isAccepted = (query: ParsedQuery): query is QueryOf<K> => (accepts as readonly QueryOp[]).includes(query.op);
  return (request) =>
    guarded(deps, request, (envId, body, nowMs) => {
      const text = requiredText(body, 'query', nowMs);
      if (!text.ok) return text.error;
      const query = parseDbQuery(text.value);
      if (!isAccepted(query)) return wechatError(40097, nowMs, `${api} takes ${expected}; this query is ${describeOp(query.op)}`);
      return { errcode: 0, errmsg: 'ok', ...run(deps.backend.database(envId), query, nowMs) };
    });
}

function collectionApi(deps: DatabaseApiDeps, act: (database: LocalDatabase, name: string) => void): Handler {
  return (request) =>
    guarded(deps, request, (envId, body, nowMs) => {
      const name = requiredText(body, 'collection_name', nowMs);
      if (!name.ok) return name.error;
      act(deps.backend.database(envId), name.value);
      return { errcode: 0, errmsg: 'ok' };
    });
}

function collectionListApi(deps: DatabaseApiDeps): Handler {
  return (request) =>
    guarded(deps, request, (envId, body, nowMs) => {
      const limit = optionalCount(body, 'limit', { min: 1, max: MAX_COLLECTION_PAGE, fallback: 10 }, nowMs);
      if (!limit.ok) return limit.error;
      const offset = optionalCount(body, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }, nowMs);
      if (!offset.ok) return offset.error;
      return { errcode: 0, errmsg: 'ok', ...collectionPage(deps.backend.database(envId), offset.value, limit.value) };
    });
}

/** Authorizes, runs, and turns the database's and the parser's refusals into WeChat's error bodies. */
function guarded(
  deps: DatabaseApiDeps,
  request: EmulatorRequest,
  serve: (envId: string, body: Readonly<Record<string, unknown>>, nowMs: number) => object,
): EmulatorReply {
  const auth = authorize(deps, request);
  if (!auth.ok) return { body: auth.error };
  const nowMs = deps.clock.now();
  try {
    return { body: serve(auth.envId, auth.body, nowMs) };
  } catch (error) {
    const refusal = databaseErrorBody(error, nowMs);
    if (refusal) return { body: refusal };
    throw error;
  }
}

function describeOp(op: QueryOp): string {
  switch (op) {
    case 'get':
      return 'a get()';
    case 'count':
      return 'a count()';
    case 'add':
      return 'an add()';
    case 'update':
      return 'an update()';
    case 'set':
      return 'a set()';
    case 'remove':
      return 'a remove()';
    case 'aggregate':
      return 'an aggregate()';
  }
}
