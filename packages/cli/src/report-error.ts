import { ConfigError, InvalidArgumentError, NetworkError, TimeoutError, WeChatErrcode, WxhubError } from '@wxhub/core';
import { LOCAL_SECRETS_FILE } from '@wxhub/project-config';
import { ExitCode, UsageError, type ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import type { Target } from './target';

export interface ErrorContext {
  readonly io: CliIo;
  readonly json: boolean;
  /** Where the command was talking to, when it got that far. */
  readonly target: Target | undefined;
  /** The one-line usage of the command, for usage errors. */
  readonly usage: string;
}

interface Described {
  readonly exit: ExitCodeValue;
  readonly kind: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly hint?: string;
}

/**
 * Prints a failure — a line on stderr, and with --json `{"error": {kind, message, …}}` on
 * stdout — and says which exit code it earns. Messages are the typed errors' own, which keep
 * secrets and tokens masked; no stack trace is printed.
 */
export function reportError(error: unknown, context: ErrorContext): ExitCodeValue {
  const described = describe(error, context.target);
  const { io } = context;
  io.stderr.write(`wxhub: ${described.message}\n`);
  if (described.hint) io.stderr.write(`${described.hint}\n`);
  if (described.exit === ExitCode.USAGE) io.stderr.write(`${context.usage}\n`);
  if (context.json) io.stdout.write(`${JSON.stringify({ error: { kind: described.kind, message: described.message, ...described.fields } })}\n`);
  return described.exit;
}

/**
 * The API clients' error classes. Loaded when an error is described, not at start-up: a command
 * that reached WeChat has loaded them already, and `--help` or a usage error should not pay the
 * clients' load time.
 */
function clientErrors(): { WeChatApiError: typeof import('@wxhub/wechat').WeChatApiError; CosUploadError: typeof import('@wxhub/cloud-http').CosUploadError } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above) */
  const { WeChatApiError } = require('@wxhub/wechat') as typeof import('@wxhub/wechat');
  const { CosUploadError } = require('@wxhub/cloud-http') as typeof import('@wxhub/cloud-http');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { WeChatApiError, CosUploadError };
}

function describe(error: unknown, target: Target | undefined): Described {
  if (error instanceof UsageError) return { exit: ExitCode.USAGE, kind: 'usage', message: error.message };
  if (error instanceof InvalidArgumentError) return { exit: ExitCode.USAGE, kind: 'usage', message: error.message };
  if (error instanceof ConfigError) return { exit: ExitCode.CONFIG, kind: 'config', message: error.message };
  if (!(error instanceof WxhubError))
    return { exit: ExitCode.UPSTREAM, kind: 'internal', message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
  const { WeChatApiError, CosUploadError } = clientErrors();
  if (error instanceof WeChatApiError) {
    return {
      exit: ExitCode.UPSTREAM,
      kind: 'wechat',
      message: error.message,
      fields: { errcode: error.errcode, errmsg: error.errmsg, api: error.api },
      ...(target?.mode === 'local' && (error.errcode === WeChatErrcode.INVALID_APPID || error.errcode === WeChatErrcode.INVALID_APPSECRET)
        ? {
            hint: `The local cloud at ${target.baseUrl} does not know app ${target.app.name}'s credentials: start it from the same configuration (it shares invented secrets through ${LOCAL_SECRETS_FILE}), or set the secret's variable for both.`,
          }
        : {}),
    };
  }
  if (error instanceof CosUploadError) {
    return { exit: ExitCode.UPSTREAM, kind: 'upload', message: error.message, fields: { status: error.status, cosCode: error.cosCode } };
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return {
      exit: ExitCode.UPSTREAM,
      kind: 'network',
      message: error.message,
      ...(target?.mode === 'local'
        ? { hint: `Is the local cloud running at ${target.baseUrl}? Start it with pnpm local-cloud, or pass --local-cloud <url>.` }
        : {}),
    };
  }
  return { exit: ExitCode.UPSTREAM, kind: error.code.toLowerCase(), message: error.message };
}
