import { parseArgs } from 'node:util';
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

const OPTIONS = {
  app: { type: 'string' },
  env: { type: 'string' },
  version: { type: 'string' },
  desc: { type: 'string' },
  config: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export function parseDeployArgs(argv: readonly string[]): DeployArgs | 'help' {
  // `pnpm wxdeploy -- --dry-run` passes the separator on; parseArgs would read what follows it as names.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Unknown options and missing values come as ERR_PARSE_ARGS_* errors.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    throw error;
  }
  const { values, positionals: positional } = parsed;
  if (values.help) return 'help';
  const command = positional[0] === 'upload' ? 'upload' : 'functions';
  const names = positional[0] === 'upload' || positional[0] === 'functions' ? positional.slice(1) : positional;
  if (command === 'upload' && names.length > 0) throw new UsageError(`upload takes no names (got ${names.join(' ')})\n${USAGE}`);
  if (command === 'functions' && (values.version !== undefined || values.desc !== undefined))
    throw new UsageError(`--version and --desc are for \`upload\`\n${USAGE}`);
  if (command === 'upload' && !values.version) throw new UsageError(`upload needs --version (e.g. --version 1.0.0)\n${USAGE}`);
  return {
    command,
    names,
    app: values.app ?? MINIPROGRAM_APP,
    envId: values.env,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    version: values.version,
    desc: values.desc,
    configFile: values.config,
  };
}
