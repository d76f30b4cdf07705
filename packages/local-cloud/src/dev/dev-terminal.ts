import { mask } from '@wxhub/core';
import { sdkProcessEnv } from '../sdk-backend/sdk-env';
import type { InstallOutcome } from '../wechat-project/dependency-install';
import type { DevInvocation } from './invocation-feed';
import type { WechatDevServer } from './wechat-dev-server';

/** The one variable the toolkit's clients (the wxhub CLI, cloud-http) honour to reach a local cloud. */
export const LOCAL_CLOUD_VARIABLE = 'WXHUB_LOCAL_CLOUD';

/** A shell-safe single-quoted value. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `08:41:07` of a clock time, in UTC (the cloud's time zone). */
function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/**
 * One line per invocation — time, app, function, openid (masked), duration, cold/warm, errcode —
 * and what its console printed, indented under it.
 */
export function formatInvocation(invocation: DevInvocation): string {
  const openid = invocation.caller?.openid ? mask(invocation.caller.openid) : '-';
  const start = invocation.coldStart === undefined ? '' : invocation.coldStart ? 'cold' : 'warm';
  const outcome = invocation.errCode !== undefined || invocation.errMsg !== undefined ? `errcode ${invocation.errCode ?? '?'}` : 'errcode 0';
  const head = [clockTime(invocation.at), invocation.app, invocation.name, openid, `${invocation.durationMs.toFixed(1)} ms`, start, outcome]
    .filter((part) => part !== '')
    .join('  ');
  const lines = [head];
  for (const entry of invocation.logs) for (const line of entry.message.split('\n')) lines.push(`    ${line}`);
  if (invocation.errMsg !== undefined) lines.push(`    ! ${invocation.errMsg}`);
  return lines.join('\n');
}

/** An install outcome worth a line (nothing for functions without dependencies or already installed). */
export function formatInstall(app: string, outcome: InstallOutcome): string | undefined {
  const where = `${app}/${outcome.functionName}`;
  if (outcome.status === 'installed')
    return `installed dependencies of ${where} (${(outcome.durationMs / 1000).toFixed(1)} s)${outcome.message ? `: ${outcome.message}` : ''}`;
  if (outcome.status === 'failed') return `FAILED to install dependencies of ${where}: ${outcome.message ?? 'npm failed'}`;
  return undefined;
}

/**
 * What `wxhub dev` prints at start: the port, each mini program with its environments (which
 * were named in its code) and functions, what is missing, and an `export` block for scripts
 * and servers outside the cloud.
 */
export function describeWechatDevServer(server: WechatDevServer): string {
  const { urls, project, scheduler } = server;
  const triggers = scheduler.status();
  const lines = [
    `wxhub dev: local cloud on ${urls.root} (127.0.0.1 only)`,
    `  console          ${urls.console}`,
    `  client calls     POST ${urls.clientCall}`,
    `  client database  POST ${urls.clientDatabase}  (pages' own reads and writes; permissions apply)`,
    `  client storage   POST ${urls.clientStorage}  (pages' uploads and downloads; permissions apply)`,
    `  admin API        ${urls.admin}`,
    '',
  ];
  for (const loaded of project.projects) {
    const [own, ...others] = loaded.envIds;
    const named = new Set(loaded.namedInCode);
    lines.push(`app ${loaded.app.name} (${loaded.app.appid}) from ${loaded.file.root}`);
    lines.push(`  env ${own}${named.has(own as string) ? ' (named in the code)' : ' (the code names none: DYNAMIC_CURRENT_ENV)'}`);
    for (const envId of others) lines.push(`  env ${envId} (named in the code)`);
    const permissions = server.cloud.permissions.describe(own as string);
    if (permissions.collections.length > 0) {
      // What wxhub.dev.json sets (the console's settings); collections not listed have WeChat's default.
      const collections = permissions.collections.map(({ name, setting }) => `${name} ${JSON.stringify(setting)}`).join(', ');
      lines.push(`  permissions ${collections}; others ${permissions.defaultCollectionMode}; storage ${JSON.stringify(permissions.storage)}`);
    }
    for (const fn of project.functions().filter((candidate) => candidate.app === loaded.app.name)) {
      const trigger = triggers.find((t) => t.envId === fn.envIds[0] && t.functionName === fn.name);
      const parts = [`  function ${fn.name}`];
      if (trigger) parts.push(`timer ${trigger.triggerName} "${trigger.config}"`);
      if (fn.install.status === 'failed') parts.push(`DEPENDENCIES NOT INSTALLED: ${fn.install.message ?? ''}`);
      if (fn.unsetVariables.length > 0) parts.push(`unset: ${fn.unsetVariables.join(', ')} (set them in ${fn.name}/.env.local or wxhub.dev.json)`);
      lines.push(parts.join('  '));
    }
    lines.push('');
  }
  for (const warning of server.warnings) lines.push(`warning: ${warning}`);
  const first = project.projects[0];
  lines.push('for scripts and servers outside the cloud (the wxhub CLI and the toolkit clients read the first line):');
  lines.push(`  export ${LOCAL_CLOUD_VARIABLE}=${urls.root}`);
  if (first) {
    for (const [key, value] of Object.entries(sdkProcessEnv({ backendUrl: urls.sdkBackendUrl, envId: first.envIds[0] as string }))) {
      if (key === 'TCB_CONTEXT_KEYS' || key === 'WX_CONTEXT_KEYS') continue;
      lines.push(`  export ${key}=${quote(value)}`);
    }
  }
  return lines.join('\n');
}
