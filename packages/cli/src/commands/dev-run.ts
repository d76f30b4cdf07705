import { resolve } from 'node:path';
import { integerOption, flag, stringOption } from '../args';
import type { CommandContext } from '../command';
import { DEFAULT_LOCAL_CLOUD_PORT } from '../endpoints';
import { ExitCode, type ExitCodeValue } from '../exit-codes';

/** The local cloud, loaded only when `wxhub dev` runs (every other command works without it). */
function localCloud(): typeof import('@wxhub/local-cloud') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('@wxhub/local-cloud') as typeof import('@wxhub/local-cloud');
}

/**
 * `--node` for functions that name no runtime; WXHUB_NODE_16_13 / WXHUB_NODE_18_15 for those whose
 * wxhub.dev.json names WeChat's runtimes (scripts/node-runtimes.mjs installs the exact binaries).
 */
function nodeBinaries(local: string | undefined, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const binaries: Record<string, string> = {};
  if (local !== undefined) binaries.local = local;
  if (env.WXHUB_NODE_16_13) binaries['16.13'] = env.WXHUB_NODE_16_13;
  if (env.WXHUB_NODE_18_15) binaries['18.15'] = env.WXHUB_NODE_18_15;
  return binaries;
}

export async function runDev({ args, operands, io, out }: CommandContext): Promise<ExitCodeValue> {
  const port = integerOption(args, 'port', 'dev', { min: 0, max: 65535 }) ?? DEFAULT_LOCAL_CLOUD_PORT;
  const projects = (operands.length > 0 ? operands : ['.']).map((dir) => resolve(io.cwd, dir));
  const quiet = flag(args, 'quiet');
  const lc = localCloud();
  const write = (text: string): void => void io.stdout.write(`${text}\n`);
  const server = await lc.startWechatDevServer({
    projects,
    port,
    ...(stringOption(args, 'env') !== undefined ? { envId: stringOption(args, 'env') } : {}),
    watch: !flag(args, 'no-watch'),
    nodeBinaries: nodeBinaries(stringOption(args, 'node'), io.env),
    onInstall: (app, outcome) => {
      if (outcome.status === 'none' || outcome.status === 'present' || outcome.status === 'cached') return;
      write(lc.formatInstall(app, outcome) ?? '');
    },
  });
  if (!quiet) server.events.on('invocation', (invocation) => write(lc.formatInvocation(invocation)));
  server.events.on('trigger-run', (run: { functionName: string; triggerName: string; ok: boolean }) => {
    if (!quiet) write(`timer ${run.triggerName} fired ${run.functionName}: ${run.ok ? 'ok' : 'FAILED'}`);
  });
  server.events.on('redeploy', (event: { function?: { key: string }; key?: string; error?: string }) =>
    write(event.function ? `redeployed ${event.function.key}` : `redeploy of ${event.key ?? '?'} FAILED: ${event.error ?? ''}`),
  );
  server.events.on('warning', (message: string) => io.stderr.write(`warning: ${message}\n`));
  write(lc.describeWechatDevServer(server));
  await server.warm;
  write(`ready: ${server.project.functions().length} functions warm; Ctrl-C stops`);
  if (flag(args, 'open')) out.note(`console: ${server.urls.console}`);
  const signal = io.stopRequested ? await io.stopRequested() : await new Promise<string>(() => undefined);
  write(`${signal}: stopping`);
  await server.stop();
  return ExitCode.OK;
}
