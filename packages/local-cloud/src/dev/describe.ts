import { sdkProcessEnv } from '../sdk-backend/sdk-env';
import type { DevServer } from './dev-server';
import { LOCAL_CLOUD_VARIABLE } from './dev-terminal';

/** A shell-safe single-quoted value. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * What `pnpm local-cloud` prints at start: every URL, the variables that point a developer's own
 * wx-server-sdk code at each environment (the TENCENTCLOUD_* credentials are dummies the local
 * cloud does not check), the functions with their triggers, and how to call one.
 */
export function describeDevServer(server: DevServer): string {
  const { urls, cloud, scheduler } = server;
  const lines: string[] = [
    `local cloud on ${urls.root} (127.0.0.1 only)`,
    `  console               ${urls.console}      (open in a browser: database, storage, functions, logs)`,
    '',
    `  WeChat API base       ${urls.wechatApiBase}      (set WECHAT_API_BASE to this)`,
    `  Baidu API base        ${urls.baiduApiBase}      (set BAIDU_API_BASE to this)`,
    `  wx-server-sdk backend ${urls.sdkBackendUrl}`,
    `  client calls          POST ${urls.clientCall}  {app|appid, name, data, openid}`,
    `  client database       POST ${urls.clientDatabase}  {app|appid, openid, action, params} (pages' permissions apply)`,
    `  client storage        POST ${urls.clientStorage}  {app|appid, openid, action: uploadFile|getTempFileURL|downloadFile|deleteFile, …} (storage permission applies)`,
    `  admin API             ${urls.admin}`,
    '',
  ];
  const triggers = scheduler.status();
  for (const app of cloud.apps) {
    lines.push(`app ${app.name} (${app.appid}), environment ${app.envId}`);
    const functions = server.functions.filter((name) => server.project.config.functions[name]?.app === app.name);
    for (const name of functions) {
      const trigger = triggers.find((t) => t.envId === app.envId && t.functionName === name);
      const next = trigger?.nextFireAt !== undefined ? `, next ${new Date(trigger.nextFireAt).toISOString()}` : '';
      lines.push(`  function ${name}${trigger ? `  timer ${trigger.triggerName} "${trigger.config}"${next}` : ''}`);
    }
    lines.push('  to run your own wx-server-sdk code against this environment (to play a caller, add e.g.');
    lines.push("  WX_OPENID='oUser1' WX_APPID='" + app.appid + "' and list them in WX_CONTEXT_KEYS):");
    for (const [key, value] of Object.entries(sdkProcessEnv({ backendUrl: urls.sdkBackendUrl, envId: app.envId }))) {
      lines.push(`    export ${key}=${quote(value)}`);
    }
    lines.push('');
  }
  for (const warning of server.warnings) lines.push(`warning: ${warning}`);
  const example = cloud.apps[cloud.apps.length - 1];
  lines.push(`for scripts and servers outside the cloud (the wxhub CLI and the toolkit clients read it):`);
  lines.push(`  export ${LOCAL_CLOUD_VARIABLE}=${urls.root}`);
  if (example) lines.push(`try: WXHUB_LOCAL_CLOUD_URL=${urls.root} pnpm call --app ${example.name} --openid oUser1 <function> '{"key":"value"}'`);
  return lines.join('\n');
}
