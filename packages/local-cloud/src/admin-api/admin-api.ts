import { mask } from '@wxhub/core';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler, type Service } from '../http/router';
import type { LocalCloud } from '../local-cloud';
import { NoTimerTriggerError, type TriggerRun, type TriggerScheduler, type TriggerStatus } from '../triggers';
import { parseFaultInput, type Upstream } from './fault-input';
import { maskSecretValues, redact } from './redact';

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
  'GET    /admin/collection?env=&name=&limit=&offset=  documents of one collection',
  'GET    /admin/tokens                                access tokens issued by the WeChat and Baidu emulators',
  'GET    /admin/logs?env=&name=&requestId=            captured function output (one invocation with requestId)',
  'GET    /admin/triggers                              timer triggers: schedule, next fire, last run',
  'POST   /admin/triggers/fire {env, name}             run a timer trigger now',
  'POST   /admin/faults {upstream, fault}              arm a fault on a WeChat or Baidu endpoint',
  'DELETE /admin/faults[?upstream=wechat|baidu]        clear faults (and release held requests)',
  'POST   /admin/export                                write the --export folder now (as a set: temp folder, then renamed)',
];

/**
 * JSON endpoints for tools and tests on a running local cloud, below `/admin`. Answers never
 * carry a secret: apps' secrets and Baidu client secrets are scrubbed from every text, fields
 * named like secrets (access_token, secret, ...) are masked, client ids are masked. Errors are
 * `{error: {code, message}}` with a 4xx status.
 */
export class AdminApi {
  static readonly PREFIX = '/admin';
  readonly service: Service;
  private readonly secrets: string[];

  constructor(private readonly options: AdminApiOptions) {
    this.secrets = [
      ...options.cloud.apps.map((app) => app.secret),
      ...(options.baiduClients ?? []).flatMap((client) => (client.clientSecret ? [client.clientSecret] : [])),
    ];
    const route = (method: string, path: string, handler: Handler) => ({ method, path, handler: this.guard(handler) });
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
      ],
    };
  }

  /** Every answer passes through `redact`, whatever the handler put in it. */
  private guard(handler: Handler): Handler {
    return async (request) => {
      const reply = await handler(request);
      return { ...reply, body: redact(reply.body, this.secrets) };
    };
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

  private tokens(): EmulatorReply {
    const { cloud } = this.options;
    const wechat = cloud.apps.map((app) => {
      const token = cloud.wechat.issuedTokens(app.appid, 'token');
      const stable = cloud.wechat.issuedTokens(app.appid, 'stable_token');
      // Not keyed `token`: that name is masked as a secret field by redact().
      return { app: app.name, appid: app.appid, issued: { cgiBinToken: token, stableToken: stable, total: token + stable } };
    });
    const baidu = (this.options.baiduClients ?? []).map((client) => ({
      name: client.name,
      clientId: mask(client.clientId),
      issued: cloud.baidu.issuedTokens(client.clientId),
    }));
    return { body: { wechat, baidu } };
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
    else this.options.cloud.baidu.inject(parsed.fault);
    return { status: 201, body: { armed: parsed } };
  }

  private clearFaults(request: EmulatorRequest): EmulatorReply {
    const which = request.query.get('upstream');
    if (which !== null && which !== 'wechat' && which !== 'baidu') return failure(400, 'BAD_REQUEST', 'upstream must be wechat or baidu');
    const cleared: Upstream[] = which ? [which] : ['wechat', 'baidu'];
    for (const upstream of cleared) {
      if (upstream === 'wechat') this.options.cloud.wechat.clearFaults();
      else this.options.cloud.baidu.clearFaults();
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

function describeRun(run: TriggerRun): Record<string, unknown> {
  return { ...run, scheduledAt: iso(run.scheduledAt), startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt) };
}

function describeStatus(status: TriggerStatus): Record<string, unknown> {
  return {
    ...status,
    nextFireAt: iso(status.nextFireAt),
    ...(status.lastRun ? { lastRun: describeRun(status.lastRun) } : {}),
  };
}
