import { mask } from '@wxhub/core';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler, type Service } from '../http/router';
import type { LocalCloud } from '../local-cloud';
import { NoTimerTriggerError, type TriggerRun, type TriggerScheduler, type TriggerStatus } from '../triggers';
import { adminRoute } from './admin-route';
import { ADMIN_PREFIX, type ArmedFault, type SetconfigTokenInfo, type TokensResponse, type TriggerInfo, type TriggerRunInfo, type Upstream } from './contract';
import { databaseRoutes } from './database-admin';
import { parseFaultInput } from './fault-input';
import { functionRoutes } from './functions-admin';
import { redact } from './redact';
import { storageRoutes } from './storage-admin';

export interface AdminApiOptions {
  readonly cloud: LocalCloud;
  /** The timer triggers, when the server runs them. */
  readonly scheduler?: TriggerScheduler;
  /** The deployed functions (the runtime does not list them itself). */
  readonly functions?: () => ReadonlyArray<{ readonly envId: string; readonly name: string }>;
  /** Baidu clients by name, for the token counters (client ids are masked in answers). */
  readonly baiduClients?: ReadonlyArray<{ readonly name: string; readonly clientId: string; readonly clientSecret?: string }>;
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
        documents: database.find(name, {}, { skip: offset, limit }),
      },
    };
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
