import { UsageError } from './errors';
import { MINIPROGRAM_APP } from './miniprogram-env';

export interface DeployArgs {
  readonly command: 'functions' | 'upload';
  readonly names: readonly string[];
  readonly app: string;
  readonly envId?: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly version?: string;
  readonly desc?: string;
  readonly configFile?: string;
}

export const USAGE = `usage:
  pnpm wxdeploy [functions] [NAME ...] [--app B] [--env ENV] [--dry-run] [--json]
      upload the built cloud functions of an app (all of its functions, or NAME ...) to its
      environment (or ENV), with remote npm install, then create their timer triggers
  pnpm wxdeploy upload --version 1.2.3 [--desc TEXT] [--app B] [--env ENV] [--dry-run] [--json]
      upload the mini program in miniprogram/ as a development version
options:
  --dry-run      show exactly what would be sent and check it; send nothing
  --json         print the plan as JSON
  --config FILE  a configuration file instead of wxhub.config.local.json / .example.json
environment:
  WXHUB_<APP>_PRIVATE_KEY_PATH or WXHUB_PRIVATE_KEY_PATH: the mini program's code-upload key
`;

const VALUE_OPTIONS = new Set(['--app', '--env', '--version', '--desc', '--config']);
const FLAGS = new Set(['--dry-run', '--json', '--help']);

export function parseDeployArgs(argv: readonly string[]): DeployArgs | 'help' {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    const [option, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUE_OPTIONS.has(option)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${option} needs a value\n${USAGE}`);
      values.set(option, value);
    } else if (FLAGS.has(option)) {
      flags.add(option);
    } else if (arg === '--') {
      // `pnpm wxdeploy --dry-run` passes the separator on.
      continue;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  if (flags.has('--help')) return 'help';
  const command = positional[0] === 'upload' ? 'upload' : 'functions';
  const names = positional[0] === 'upload' || positional[0] === 'functions' ? positional.slice(1) : positional;
  if (command === 'upload' && names.length > 0) throw new UsageError(`upload takes no names (got ${names.join(' ')})\n${USAGE}`);
  if (command === 'functions' && (values.has('--version') || values.has('--desc'))) throw new UsageError(`--version and --desc are for \`upload\`\n${USAGE}`);
  if (command === 'upload' && !values.get('--version')) throw new UsageError(`upload needs --version (e.g. --version 1.0.0)\n${USAGE}`);
  return {
    command,
    names,
    app: values.get('--app') ?? MINIPROGRAM_APP,
    envId: values.get('--env'),
    dryRun: flags.has('--dry-run'),
    json: flags.has('--json'),
    version: values.get('--version'),
    desc: values.get('--desc'),
    configFile: values.get('--config'),
  };
}
