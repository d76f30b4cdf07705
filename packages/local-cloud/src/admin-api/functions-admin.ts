import * as path from 'node:path';
import type { AppConfig } from '../config';
import { clientInvocation } from '../client-api';
import type { Handler } from '../http/router';
import { readOpenApiPermissions } from '../openapi/function-permissions';
import { CloudFunctionError, type FunctionRuntime } from '../runtime';
import type { TriggerScheduler } from '../triggers';
import { LOG_STREAM_PATH, type FunctionInfo, type LogEvent } from './contract';
import { AdminFailure, adminRoute, badRequest, isObject } from './admin-route';

/** An SSE comment this often keeps proxies and the browser from dropping an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export interface FunctionsAdminOptions {
  readonly runtime: FunctionRuntime;
  readonly apps: readonly AppConfig[];
  readonly scheduler?: TriggerScheduler;
  /** Strips secrets and token values from each log line before it leaves. */
  readonly redact: (value: unknown) => unknown;
}

/** The console's function routes: what is deployed and how it runs, invoke, and the live log. */
export function functionRoutes(options: FunctionsAdminOptions) {
  const { runtime, apps, scheduler } = options;

  const describe = (envId: string, name: string): FunctionInfo | undefined => {
    const described = runtime.describe(envId, name);
    if (!described) return undefined;
    let permissions: string[];
    try {
      permissions = readOpenApiPermissions(described.dir);
    } catch {
      permissions = [];
    }
    return {
      envId,
      name,
      runtime: runtimeName(described.nodeBinary),
      timeoutMs: described.timeoutMs,
      memoryMb: described.memoryMb,
      triggers: (scheduler?.status() ?? [])
        .filter((t) => t.envId === envId && t.functionName === name)
        .map((t) => ({ name: t.triggerName, type: 'timer' as const, config: t.config })),
      permissions,
      instances: described.instances,
    };
  };

  // Server-sent events: one `log` event per line any function prints, as it prints it.
  const stream: Handler = () => ({
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' },
    stream: (sink) => {
      sink.write(': connected\n\n');
      const stop = runtime.onLog((envId, name, entry) => {
        const event: LogEvent = { envId, name, ...entry, at: new Date(entry.at).toISOString() };
        sink.write(`event: log\ndata: ${JSON.stringify(options.redact(event))}\n\n`);
      });
      const keepAlive = setInterval(() => sink.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();
      sink.onClose(() => {
        stop();
        clearInterval(keepAlive);
      });
    },
  });

  return [
    adminRoute('GET /functions', ({ query }) => {
      const env = query.get('env') ?? undefined;
      return { functions: runtime.list(env).flatMap((fn) => describe(fn.envId, fn.name) ?? []) };
    }),
    adminRoute('POST /functions/invoke', async ({ body }) => {
      if (!isObject(body) || typeof body.env !== 'string' || typeof body.name !== 'string') return badRequest('the body needs env and name');
      const event = body.event ?? {};
      if (!isObject(event)) return badRequest('event must be a JSON object');
      const openid = body.openid;
      if (openid !== undefined && (typeof openid !== 'string' || !/^[\w-]{1,64}$/.test(openid)))
        return badRequest('openid must be 1-64 letters, digits, _ or -');
      if (!runtime.has(body.env, body.name)) return new AdminFailure(404, 'NO_FUNCTION', `no function ${body.name} in ${body.env}`);
      const app = apps.find((candidate) => candidate.envId === body.env);
      const call = openid && app ? clientInvocation(app.appid, event, { openid }) : { event };
      try {
        const done = await runtime.invoke({ envId: body.env, name: body.name, ...call });
        return { ok: true as const, requestId: done.requestId, result: done.result, durationMs: done.durationMs, coldStart: done.coldStart };
      } catch (error) {
        if (!(error instanceof CloudFunctionError)) throw error;
        return { ok: false as const, errCode: error.errCode, errMsg: error.errMsg, ...(error.requestId ? { requestId: error.requestId } : {}) };
      }
    }),
    { method: 'GET', path: LOG_STREAM_PATH, handler: stream },
  ];
}

/** `Nodejs16.13` for WeChat's runtimes kept under .tools/, else the binary's own version. */
function runtimeName(binary: string): string {
  const version = /node-v?(\d+\.\d+)/.exec(binary)?.[1];
  if (version) return `Nodejs${version}`;
  return binary === process.execPath ? `Nodejs${process.versions.node.split('.').slice(0, 2).join('.')} (local)` : path.basename(binary);
}
