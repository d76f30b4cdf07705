/**
 * `pnpm local-cloud`: the project's local cloud for development. Builds first (the root script
 * runs `pnpm build`), then serves apps A and B with their built functions on 127.0.0.1, fires
 * timer triggers on schedule, and rebuilds + redeploys a function when its sources change.
 *
 *   pnpm local-cloud [--port 8780] [--allow-host NAME ...] [--no-watch] [--node <binary>] [--weekday-zero sunday|monday]
 *                    [--data <dir>] [--seed <app|envId>=<file> ...] [--seed-replace] [--export <dir>]
 *                    [--instances <n>] [--queue <n>]
 *
 * Seeds and exports are per environment in the local cloud's seed format. A seed is imported only
 * into an environment that holds no document (with --data, a restart keeps the previous session's
 * data) unless --seed-replace; each start says what it did. `--export` writes
 * `<dir>/<envId>.json` for every environment when the server stops (Ctrl-C / SIGTERM).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_CONFIG_FILE, LOCAL_CONFIG_FILE, loadProjectConfig, localSecretsEnv } from '@wxhub/project-config';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import {
  childProcessBuilder,
  DEFAULT_DEV_PORT,
  describeDevServer,
  exportEnvironments,
  formatInvocation,
  persistenceTools,
  startDevServer,
  type DevInvocation,
  type DevServer,
} from '@wxhub/local-cloud';
import type { RebuildResult } from '@wxhub/local-cloud';
import type { TriggerRun } from '@wxhub/local-cloud';

const root = join(__dirname, '..');

const USAGE = `usage: pnpm local-cloud [--port N] [--allow-host NAME ...] [--no-watch] [--quiet] [--node BINARY] [--weekday-zero sunday|monday]
                        [--data DIR] [--seed APP|ENV=FILE ...] [--seed-replace] [--export DIR]
                        [--instances N (per function; default: the cores, at least 2)] [--queue N (calls waiting per function; default 1000)]`;

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

function onRebuild(result: RebuildResult): void {
  if (result.ok) console.log(`[${time()}] rebuilt and redeployed ${result.names.join(', ')} (${result.durationMs.toFixed(0)} ms)`);
  else
    console.error(
      `[${time()}] rebuild of ${result.names.join(', ')} FAILED (still serving the previous code${result.deployed.length ? ` except ${result.deployed.join(', ')}` : ''}):\n${result.message}`,
    );
}

function onTriggerRun(run: TriggerRun): void {
  const what = `timer ${run.triggerName} → ${run.functionName} (${run.envId})${run.manual ? ' on demand' : ''}`;
  if (run.ok) console.log(`[${time()}] ${what}: ok, request ${run.requestId}`);
  else console.error(`[${time()}] ${what}: FAILED ${run.error?.errCode ?? ''} ${run.error?.errMsg ?? ''}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    // `pnpm local-cloud -- --port 1` hands the separator on.
    args: process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--')),
    options: {
      port: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'no-watch': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      node: { type: 'string' },
      'weekday-zero': { type: 'string' },
      data: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'seed-replace': { type: 'boolean' },
      export: { type: 'string' },
      instances: { type: 'string' },
      queue: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? DEFAULT_DEV_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number\n${USAGE}`);
  const weekdayZero = values['weekday-zero'];
  if (weekdayZero !== undefined && weekdayZero !== 'sunday' && weekdayZero !== 'monday') throw new Error(`--weekday-zero must be sunday or monday\n${USAGE}`);

  const count = (flag: string, value: string | undefined, least: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < least) throw new Error(`--${flag} must be a whole number of at least ${least}\n${USAGE}`);
    return n;
  };
  const maxInstancesPerFunction = count('instances', values.instances, 1);
  // 0: no queue, every call beyond the instances is refused at once, as WeChat does past its quota.
  const maxQueuedPerFunction = count('queue', values.queue, 0);

  const seeds = (values.seed ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0 || at === spec.length - 1) throw new Error(`--seed takes APP=FILE or ENV_ID=FILE, got ${spec}\n${USAGE}`);
    return { env: spec.slice(0, at), file: spec.slice(at + 1) };
  });

  // Invented local secrets are kept in .local-cloud/secrets.json, so that `pnpm wxhub` and
  // other local processes can get tokens from this local cloud too.
  const configFile = [LOCAL_CONFIG_FILE, EXAMPLE_CONFIG_FILE].map((name) => join(root, name)).find((file) => existsSync(file));
  const config = configFile
    ? loadProjectConfig({ root, mode: 'local', file: configFile, env: localSecretsEnv({ root, configFile, env: process.env }) })
    : undefined;

  const server: DevServer = await startDevServer({
    root,
    config,
    port,
    allowedHosts: values['allow-host'],
    nodeBinary: values.node,
    runtime: {
      ...(maxInstancesPerFunction !== undefined ? { maxInstancesPerFunction } : {}),
      ...(maxQueuedPerFunction !== undefined ? { maxQueuedPerFunction } : {}),
    },
    triggers: { cron: weekdayZero ? { weekdayZero } : {} },
    watch: values['no-watch']
      ? undefined
      : {
          builder: childProcessBuilder({
            module: join(root, 'scripts', 'lib', 'build-functions.mjs'),
            root,
            outRoot: join(root, 'build', 'cloudfunctions'),
          }),
        },
    data: { dir: values.data, seeds, seedReplace: values['seed-replace'] ?? false, exportDir: values.export },
  });
  // The same line per invocation as `wxhub dev` prints (time, app, function, openid masked, duration, cold/warm, errcode).
  if (!values.quiet) server.events.on('invocation', (invocation: DevInvocation) => console.log(formatInvocation(invocation)));
  server.events.on('rebuild', onRebuild);
  server.events.on('trigger-run', onTriggerRun);
  server.events.on('warning', (message: string) => console.error(`[${time()}] warning: ${message}`));
  console.log(describeDevServer(server));
  for (const outcome of server.seedReport) (outcome.action === 'skipped' ? console.error : console.log)(outcome.message);
  console.log(values['no-watch'] ? '\nnot watching sources (--no-watch)' : '\nwatching cloudfunctions/*/src and packages/*/src; Ctrl-C stops');

  // On demand: `export` + Enter here, or POST /admin/export.
  const exportDir = values.export;
  if (exportDir && process.stdin.isTTY) {
    console.log(`type "export" and Enter to write ${exportDir} now (or POST ${server.urls.admin}/export)`);
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() !== 'export') return;
      exportEnvironments(persistenceTools(), server.cloud, exportDir).then(
        (files) => console.log(`[${time()}] exported ${files.length} environment(s) to ${exportDir}`),
        (error: unknown) => console.error(`[${time()}] export FAILED (the previous export is kept): ${error instanceof Error ? error.message : String(error)}`),
      );
    });
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      console.error(
        `${signal} again: exiting without waiting${values.export ? ` — the export was abandoned: ${values.export} keeps the previous export whole (the new one was being written to a temporary folder beside it)` : ''}`,
      );
      process.exit(1);
    }
    console.log(`\n${signal}: stopping${values.export ? ` (exporting to ${values.export})` : ''}...`);
    server.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error(`the port is taken: another local cloud may be running (use --port)`);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
