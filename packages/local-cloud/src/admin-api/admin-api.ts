import { ConfigError, mask } from '@wxhub/core';
import { parseIndexSettings, type CollectionIndexSettings } from '@wxhub/project-config';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler, type Service } from '../http/router';
import type { LocalCloud } from '../local-cloud';
import { PermissionConfigError } from '../permissions';
import { NoTimerTriggerError, type TriggerRun, type TriggerScheduler, type TriggerStatus } from '../triggers';
import { adminRoute } from './admin-route';
import { ADMIN_PREFIX, type ArmedFault, type SetconfigTokenInfo, type TokensResponse, type TriggerInfo, type TriggerRunInfo, type Upstream } from './contract';
import { databaseRoutes } from './database-admin';
import { parseFaultInput } from './fault-input';
import { functionRoutes } from './functions-admin';
import { maskSecretValues, redact } from './redact';
import { storageRoutes } from './storage-admin';
import { ShareGrantError, type SharePermission } from '../sharing';

export interface AdminApiOptions {
  readonly cloud: LocalCloud;
  /** The timer triggers, when the server runs them. */
  readonly scheduler?: TriggerScheduler;
  /** The deployed functions (the runtime does not list them itself). */
  readonly functions?: () => ReadonlyArray<{ readonly envId: string; readonly name: string }>;
  /** Baidu clients by name, for the token counters (client ids are masked in answers). */
  readonly baiduClients?: ReadonlyArray<{ readonly name: string; readonly clientId: string; readonly clientSecret?: string }>;
  /** Writes the export now (the dev server's `--export DIR`); absent, POST /admin/export answers 409. */
  readonly exportNow?: () => Promise<readonly string[]>;
}

const DEFAULT_DOCUMENT_LIMIT = 100;
const MAX_DOCUMENT_LIMIT = 1000;

const ENDPOINTS = [
  'GET    /admin/envs                                  apps, environments, collections (with counts), functions',
  'GET    /admin/collection?env=&name=&limit=&offset=  documents of one collection (native JSON)',
  'GET    /admin/documents?env=&collection=&filter=&offset=&limit=  a page of documents (Extended JSON), filtered by a where(...) argument',
  'POST   /admin/documents {env, collection, document}  add a document; PUT {env, collection, id, document} replaces one',
  'DELETE /admin/documents?env=&collection=&id=        delete a document',
  'POST   /admin/collections {env, name}               create a collection; DELETE ?env=&name= drops one',
  'POST   /admin/collections/import {env, collection, documents}; GET /admin/collections/export?env=&name=',
  'GET    /admin/storage?env=                          files; POST {env, path, contentBase64, contentType} uploads; DELETE ?env=&fileId=',
  "GET    /admin/storage/download?fileId=              a file's bytes; POST /admin/storage/temp-url {env, fileId} a temp URL",
  'GET    /admin/functions[?env=]                      functions: runtime, timeout, triggers, permissions, instances',
  'POST   /admin/functions/invoke {env, name, event, openid?}  invoke a function',
  'GET    /admin/logs?env=&name=&requestId=            captured function output (one invocation with requestId)',
  "GET    /admin/logs/stream                           every function's output as it happens (server-sent events)",
  'GET    /admin/tokens                                access tokens issued (counts, expiry; values never shown)',
  'GET    /admin/triggers                              timer triggers: schedule, next fire (UTC and UTC+8), last run',
  'POST   /admin/triggers/fire {env, name}             run a timer trigger now',
  'GET    /admin/faults                                faults armed now',
  'POST   /admin/faults {upstream, fault}              arm a fault on a WeChat, Baidu or SDK backend endpoint',
  'DELETE /admin/faults[?upstream=wechat|baidu|backend] clear faults (and release held requests)',
  'POST   /admin/export                                write the --export folder now (as a set: temp folder, then renamed)',
  'GET    /admin/sharing                               cross-account sharing grants and getCrossAccountToken calls',
  "PUT    /admin/sharing {owner, with, permissions?}   share owner's environment with another app (环境共享)",
  'DELETE /admin/sharing?env=&with=                    stop sharing (credentials already issued stop working)',
  "GET    /admin/permissions?env=                      what pages may do: collections, storage, wxhub's required settings",
  'PUT    /admin/permissions {env, collection|storage, setting}  set a mode (READONLY, PRIVATE, ADMINWRITE, ADMINONLY) or rules',
  'GET    /admin/indexes?env=                          the indexes collections are declared to have (geoNear needs 2dsphere)',
  'PUT    /admin/indexes {env, indexes: {collection: {field: 1|-1|"2dsphere"}}}  declare indexes (added to the others)',
];

/**
 * JSON endpoints for tools and tests on a running local cloud, below `/admin`. Answers never
 * carry a secret: apps' secrets and Baidu client secrets are scrubbed from every text, fields
 * named like secrets (access_token, secret, ...) are masked, client ids are masked. Errors are
 * `{error: {code, message}}` with a 4xx status.
 */
export class AdminApi {
  static readonly PREFIX = ADMIN_PREFIX;
  readonly service: Service;
  private readonly secrets: string[];

  constructor(private readonly options: AdminApiOptions) {
    this.secrets = [
      ...options.cloud.apps.map((app) => app.secret),
      ...(options.baiduClients ?? []).flatMap((client) => (client.clientSecret ? [client.clientSecret] : [])),
    ];
    const route = (method: string, path: string, handler: Handler) => ({ method, path, handler: this.guard(handler) });
    const { cloud } = options;
    const typed = [
      ...databaseRoutes(cloud.backend, cloud.clock),
      ...storageRoutes(cloud.storage),
      ...functionRoutes({ runtime: cloud.functions, apps: cloud.apps, scheduler: options.scheduler, redact: (value) => this.redact(value) }),
      adminRoute('GET /faults', () => ({ armed: this.armedFaults() })),
    ];
    this.service = {
      prefix: AdminApi.PREFIX,
      routes: [
        route('GET', '', () => ({ body: { endpoints: ENDPOINTS } })),
        route('GET', '/envs', () => this.envs()),
        route('GET', '/collection', (request) => this.collection(request)),
        route('GET', '/tokens', () => this.tokens()),
        route('GET', '/logs', (request) => this.logs(request)),
        route('GET', '/triggers', () => this.triggers()),
        route('POST', '/triggers/fire', (request) => this.fire(request)),
        route('POST', '/faults', (request) => this.injectFault(request)),
        route('DELETE', '/faults', (request) => this.clearFaults(request)),
        route('POST', '/export', () => this.exportNow()),
        route('GET', '/sharing', () => this.sharingState()),
        route('PUT', '/sharing', (request) => this.share(request)),
        route('DELETE', '/sharing', (request) => this.unshare(request)),
        route('GET', '/permissions', (request) => this.permissions(request)),
        route('PUT', '/permissions', (request) => this.setPermission(request)),
        route('GET', '/indexes', (request) => this.indexes(request)),
        route('PUT', '/indexes', (request) => this.setIndexes(request)),
        ...typed.map((typedRoute) => ({ ...typedRoute, handler: this.guard(typedRoute.handler) })),
      ],
    };
  }

  /**
   * Every answer passes through `redact`, whatever the handler put in it: the apps' and Baidu's
   * secrets and every token the emulators ever issued are masked wherever they appear (a token
   * copied into a collection, a log line), and secret-named fields are masked. Bytes (a file
   * download) pass as they are.
   */
  private guard(handler: Handler): Handler {
    return async (request) => {
      const reply = await handler(request);
      if (reply.stream || Buffer.isBuffer(reply.body)) return reply;
      return { ...reply, body: this.redact(reply.body) };
    };
  }

  private redact(value: unknown): unknown {
    const { wechat, baidu } = this.options.cloud;
    return redact(value, [...this.secrets, ...wechat.tokenValues(), ...baidu.tokenValues()]);
  }

  private async exportNow(): Promise<EmulatorReply> {
    if (!this.options.exportNow) return failure(409, 'NO_EXPORT_DIR', 'this local cloud was started without an export folder (--export DIR)');
    return { body: { exported: await this.options.exportNow() } };
  }

  private envs(): EmulatorReply {
    const { cloud } = this.options;
    const functions = this.options.functions?.() ?? [];
    const triggers = this.options.scheduler?.status() ?? [];
    const envs = cloud.backend.envIds.map((envId) => {
      const app = cloud.apps.find((candidate) => candidate.envId === envId);
      const database = cloud.backend.database(envId);
      return {
        envId,
        app: app ? { name: app.name, appid: app.appid } : null,
        collections: database.listCollections().map((name) => ({ name, count: database.count(name) })),
        functions: functions
          .filter((fn) => fn.envId === envId)
          .map((fn) => {
            const trigger = triggers.find((t) => t.envId === envId && t.functionName === fn.name);
            return {
              name: fn.name,
              instances: cloud.functions.instances(envId, fn.name),
              // Calls waiting for an instance (the function is at its instance cap).
              queued: cloud.functions.queued(envId, fn.name),
              ...(trigger ? { trigger: { name: trigger.triggerName, config: trigger.config } } : {}),
            };
          }),
      };
    });
    return { body: { envs } };
  }

  private collection(request: EmulatorRequest): EmulatorReply {
    const envId = request.query.get('env');
    const name = request.query.get('name');
    if (!envId || !name) return failure(400, 'BAD_REQUEST', 'env and name are required');
    const { backend } = this.options.cloud;
    if (!backend.envIds.includes(envId)) return failure(404, 'NO_ENV', `no environment ${envId}`);
    const database = backend.database(envId);
    if (!database.hasCollection(name)) return failure(404, 'NO_COLLECTION', `no collection ${name} in ${envId}`);
    const limit = integerParam(request.query.get('limit'), DEFAULT_DOCUMENT_LIMIT);
    const offset = integerParam(request.query.get('offset'), 0);
    if (limit === undefined || limit < 1 || limit > MAX_DOCUMENT_LIMIT) return failure(400, 'BAD_REQUEST', `limit must be 1-${MAX_DOCUMENT_LIMIT}`);
    if (offset === undefined) return failure(400, 'BAD_REQUEST', 'offset must be a non-negative integer');
    return {
      body: {
        env: envId,
        collection: name,
        total: database.count(name),
        offset,
        limit,
        // A masked display only: setconfig's `value` is the Baidu access token (issue 10, item 7).
        documents: maskSecretValues(name, database.find(name, {}, { skip: offset, limit })),
      },
    };
  }

  private permissions(request: EmulatorRequest): EmulatorReply {
    const { permissions } = this.options.cloud;
    const envId = request.query.get('env');
    const envIds = envId ? [envId] : permissions.envIds;
    if (envId && !permissions.envIds.includes(envId)) return failure(404, 'NO_ENV', `no environment ${envId}`);
    return { body: { envs: envIds.map((id) => ({ envId: id, ...permissions.describe(id) })), mismatches: permissions.mismatches() } };
  }

  /** A setting the console would refuse (a rule that does not parse: its character) or strict mode refuses is 400, and nothing changes. */
  private setPermission(request: EmulatorRequest): EmulatorReply {
    const body = parseJsonBody(request);
    if (typeof body !== 'object' || body === null) return failure(400, 'BAD_REQUEST', 'the body must be {env, collection | storage: true, setting}');
    const { env, collection, storage, setting } = body as Record<string, unknown>;
    if (typeof env !== 'string' || (typeof collection !== 'string' && storage !== true) || setting === undefined) {
      return failure(400, 'BAD_REQUEST', 'the body must be {env, collection | storage: true, setting}');
    }
    const { permissions } = this.options.cloud;
    if (!permissions.envIds.includes(env)) return failure(404, 'NO_ENV', `no environment ${env}`);
    try {
      if (typeof collection === 'string') permissions.setCollection(env, collection, setting);
      else permissions.setStorage(env, setting);
    } catch (error) {
      if (error instanceof PermissionConfigError) {
        return {
          status: 400,
          body: { error: { code: 'BAD_PERMISSION', message: error.message, where: error.where, ...(error.index !== undefined ? { index: error.index } : {}) } },
        };
      }
      throw error;
    }
    return { body: { envId: env, ...permissions.describe(env) } };
  }

  private indexes(request: EmulatorRequest): EmulatorReply {
    const { backend } = this.options.cloud;
    const envId = request.query.get('env');
    if (envId && !backend.envIds.includes(envId)) return failure(404, 'NO_ENV', `no environment ${envId}`);
    const envIds = envId ? [envId] : backend.envIds;
    return { body: { envs: envIds.map((id) => ({ envId: id, indexes: backend.database(id).indexes.describe() })) } };
  }

  /** As the console's 索引管理 adds an index: what is declared stays; a malformed body is 400 and nothing changes. */
  private setIndexes(request: EmulatorRequest): EmulatorReply {
    const body = parseJsonBody(request);
    const { env, indexes } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof env !== 'string' || indexes === undefined)
      return failure(400, 'BAD_REQUEST', 'the body must be {env, indexes: {collection: {field: 1 | -1 | "2dsphere"}}}');
    const { backend } = this.options.cloud;
    if (!backend.envIds.includes(env)) return failure(404, 'NO_ENV', `no environment ${env}`);
    let settings: CollectionIndexSettings;
    try {
      settings = parseIndexSettings(indexes, 'indexes');
    } catch (error) {
      if (error instanceof ConfigError) return failure(400, 'BAD_INDEX', error.message);
      throw error;
    }
    const database = backend.database(env);
    database.indexes.declare(settings);
    return { body: { envId: env, indexes: database.indexes.describe() } };
  }

  private tokens(): EmulatorReply {
    const { cloud } = this.options;
    const wechat = cloud.apps.map((app) => {
      const token = cloud.wechat.issuedTokens(app.appid, 'token');
      const stable = cloud.wechat.issuedTokens(app.appid, 'stable_token');
      const summary = cloud.wechat.tokenSummary(app.appid);
      // Not keyed `token`: that name is masked as a secret field by redact().
      return {
        app: app.name,
        appid: app.appid,
        issued: { cgiBinToken: token, stableToken: stable, total: token + stable },
        currentExpiresAt: iso(summary.currentExpiresAt),
        lastIssuedAt: iso(summary.lastIssuedAt),
        forceRefresh: { usedToday: summary.forceRefresh.usedToday, perDay: summary.forceRefresh.perDay, lastAt: iso(summary.forceRefresh.lastAt) },
      };
    });
    const baidu = (this.options.baiduClients ?? []).map((client) => ({
      name: client.name,
      clientId: mask(client.clientId),
      issued: cloud.baidu.issuedTokens(client.clientId),
      currentExpiresAt: iso(cloud.baidu.currentExpiry(client.clientId)),
    }));
    const body: TokensResponse = { wechat, baidu, setconfig: this.setconfigTokens() };
    return { body };
  }

  /** Third-party tokens the timer keeps in each env's `setconfig` (values masked). */
  private setconfigTokens(): SetconfigTokenInfo[] {
    const { backend } = this.options.cloud;
    return backend.envIds.flatMap((envId) => {
      const database = backend.database(envId);
      if (!database.hasCollection('setconfig')) return [];
      return database.find('setconfig', {}, { order: { _id: 1 } }).map((doc) => ({
        envId,
        configName: String(doc.config_name ?? doc._id),
        maskedValue: typeof doc.value === 'string' && doc.value ? mask(doc.value) : null,
        expiresAt: typeof doc.expires_at === 'number' ? iso(doc.expires_at) : doc.expires_at instanceof Date ? doc.expires_at.toISOString() : null,
        refreshedAt: doc.refreshed_at instanceof Date ? doc.refreshed_at.toISOString() : null,
      }));
    });
  }

  private armedFaults(): ArmedFault[] {
    const { cloud } = this.options;
    const plans: Array<[Upstream, ReturnType<typeof cloud.backendFaults.describe>]> = [
      ['wechat', cloud.wechat.faults.describe()],
      ['baidu', cloud.baidu.faults.describe()],
      ['backend', cloud.backendFaults.describe()],
    ];
    return plans.flatMap(([upstream, armed]) =>
      armed.map(({ label, ...fault }) => ({ upstream, ...fault, ...(upstream === 'backend' && label ? { action: label } : {}) })),
    );
  }

  private logs(request: EmulatorRequest): EmulatorReply {
    const envId = request.query.get('env');
    const name = request.query.get('name');
    if (!envId || !name) return failure(400, 'BAD_REQUEST', 'env and name are required');
    const requestId = request.query.get('requestId') ?? undefined;
    const logs = this.options.cloud.functions.logs(envId, name, requestId).map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
    return { body: { env: envId, name, ...(requestId ? { requestId } : {}), logs } };
  }

  private triggers(): EmulatorReply {
    const scheduler = this.options.scheduler;
    if (!scheduler) return failure(404, 'NO_TRIGGERS', 'this local cloud does not run timer triggers');
    return { body: { triggers: scheduler.status().map(describeStatus) } };
  }

  private async fire(request: EmulatorRequest): Promise<EmulatorReply> {
    const scheduler = this.options.scheduler;
    if (!scheduler) return failure(404, 'NO_TRIGGERS', 'this local cloud does not run timer triggers');
    const body = parseJsonBody<{ env?: unknown; name?: unknown }>(request);
    if (!body || typeof body.env !== 'string' || typeof body.name !== 'string') return failure(400, 'BAD_REQUEST', 'body must be {env, name}');
    try {
      return { body: { run: describeRun(await scheduler.fire(body.env, body.name)) } };
    } catch (error) {
      if (error instanceof NoTimerTriggerError) return failure(404, error.code, error.message);
      throw error;
    }
  }

  private injectFault(request: EmulatorRequest): EmulatorReply {
    const parsed = parseFaultInput(parseJsonBody(request));
    if (typeof parsed === 'string') return failure(400, 'BAD_FAULT', parsed);
    if (parsed.upstream === 'wechat') this.options.cloud.wechat.inject(parsed.fault);
    else if (parsed.upstream === 'baidu') this.options.cloud.baidu.inject(parsed.fault);
    else this.options.cloud.injectBackendFault(parsed.fault);
    return { status: 201, body: { armed: parsed } };
  }

  private sharingState(): EmulatorReply {
    const { sharing, crossAccountTokenRequests } = this.options.cloud;
    return { body: { grants: sharing.list(), tokenRequests: crossAccountTokenRequests } };
  }

  private share(request: EmulatorRequest): EmulatorReply {
    const body = parseJsonBody<{ owner?: unknown; with?: unknown; permissions?: unknown }>(request);
    if (!body || typeof body.owner !== 'string' || typeof body.with !== 'string')
      return failure(400, 'BAD_REQUEST', 'body must be {owner, with, permissions?}');
    if (body.permissions !== undefined && !(Array.isArray(body.permissions) && body.permissions.every((p) => typeof p === 'string'))) {
      return failure(400, 'BAD_REQUEST', 'permissions must be a list of names');
    }
    try {
      const grant = this.options.cloud.sharing.share({
        owner: body.owner,
        with: body.with,
        ...(body.permissions ? { permissions: body.permissions as SharePermission[] } : {}),
      });
      return { body: { grant } };
    } catch (error) {
      if (error instanceof ShareGrantError) return failure(400, 'BAD_SHARE', error.message);
      throw error;
    }
  }

  private unshare(request: EmulatorRequest): EmulatorReply {
    const envId = request.query.get('env');
    const grantee = request.query.get('with');
    if (!envId || !grantee) return failure(400, 'BAD_REQUEST', 'env and with are required');
    try {
      if (!this.options.cloud.sharing.unshare(envId, grantee)) return failure(404, 'NOT_SHARED', `${envId} is not shared with ${grantee}`);
    } catch (error) {
      if (error instanceof ShareGrantError) return failure(400, 'BAD_SHARE', error.message);
      throw error;
    }
    return { body: { unshared: { env: envId, with: grantee } } };
  }

  private clearFaults(request: EmulatorRequest): EmulatorReply {
    const which = request.query.get('upstream');
    if (which !== null && which !== 'wechat' && which !== 'baidu' && which !== 'backend')
      return failure(400, 'BAD_REQUEST', 'upstream must be wechat, baidu or backend');
    const cleared: Upstream[] = which ? [which] : ['wechat', 'baidu', 'backend'];
    for (const upstream of cleared) {
      if (upstream === 'wechat') this.options.cloud.wechat.clearFaults();
      else if (upstream === 'baidu') this.options.cloud.baidu.clearFaults();
      else this.options.cloud.backendFaults.clear();
    }
    return { body: { cleared } };
  }
}

function failure(status: number, code: string, message: string): EmulatorReply {
  return { status, body: { error: { code, message } } };
}

function integerParam(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

function describeRun(run: TriggerRun): TriggerRunInfo & { triggerName: string; functionName: string; envId: string } {
  return { ...run, scheduledAt: iso(run.scheduledAt), startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt) };
}

function describeStatus(status: TriggerStatus): TriggerInfo {
  const { lastRun: _lastRun, ...rest } = status;
  return {
    ...rest,
    nextFireAt: iso(status.nextFireAt),
    nextFireAtUtc8: utc8(status.nextFireAt),
    ...(status.lastRun ? { lastRun: describeRun(status.lastRun) } : {}),
  };
}

/** WeChat's consoles show times in Beijing time: `2026-12-03 16:00:00`. */
function utc8(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
