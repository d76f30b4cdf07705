/**
 * `pnpm call`: plays a mini program page's `wx.cloud.callFunction` against a running local cloud
 * (`pnpm local-cloud`), as a chosen user of a chosen app, and prints the result.
 *
 *   pnpm call --app B --openid oUser1 api '{"func":"users_add","data":{"name":"李雷"}}'
 *
 * Exit code 0 with the result as JSON on stdout; 1 when the call fails (errCode/errMsg on
 * stderr, as the client SDK would reject); 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { NetworkError } from '@wxhub/core';
import { callFunction, CallFunctionError, type ClientCallRequest } from '@wxhub/local-cloud';
import { DEFAULT_DEV_PORT } from '@wxhub/local-cloud';

const USAGE = `usage: pnpm call [--url URL] (--app NAME | --appid APPID) [--openid OPENID] [--unionid UNIONID] [--env ENV] <function> [data-json]
  --url     the local cloud (default $WXHUB_LOCAL_CLOUD_URL or http://127.0.0.1:${DEFAULT_DEV_PORT})
  --app     the mini program by its name in the configuration (A, B); or --appid
  --openid  the user who calls; leave out for a call without user`;

class UsageError extends Error {}

function parse(argv: string[]): { url: string; request: ClientCallRequest } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      app: { type: 'string' },
      appid: { type: 'string' },
      openid: { type: 'string' },
      unionid: { type: 'string' },
      env: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const [name, json, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError('give the function name and at most one JSON argument');
  if ((values.app === undefined) === (values.appid === undefined)) throw new UsageError('give exactly one of --app and --appid');
  let data: Record<string, unknown> | undefined;
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new UsageError('the data argument is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('the data must be a JSON object');
    data = parsed as Record<string, unknown>;
  }
  const request: ClientCallRequest = {
    name,
    ...(values.app !== undefined ? { app: values.app } : {}),
    ...(values.appid !== undefined ? { appid: values.appid } : {}),
    ...(values.openid !== undefined ? { openid: values.openid } : {}),
    ...(values.unionid !== undefined ? { unionid: values.unionid } : {}),
    ...(values.env !== undefined ? { env: values.env } : {}),
    ...(data !== undefined ? { data } : {}),
  };
  const url = values.url ?? process.env.WXHUB_LOCAL_CLOUD_URL ?? `http://127.0.0.1:${DEFAULT_DEV_PORT}`;
  return { url, request };
}

async function main(): Promise<number> {
  let parsed: { url: string; request: ClientCallRequest };
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      if (error instanceof Error && error.message) console.error(error.message);
      console.error(USAGE);
      return 2;
    }
    throw error;
  }
  try {
    const { result, requestID } = await callFunction(parsed.url, parsed.request);
    console.log(JSON.stringify(result, null, 2));
    console.error(`cloud.callFunction:ok requestID ${requestID}`);
    return 0;
  } catch (error) {
    if (error instanceof CallFunctionError) {
      console.error(`errCode: ${error.errCode} | errMsg: ${error.errMsg}`);
      return 1;
    }
    if (error instanceof NetworkError) {
      console.error(`no local cloud answers at ${parsed.url} (${error.message}); start one with pnpm local-cloud`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
