import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes';

/** Every option any command takes; each command says which of them it accepts. */
const OPTIONS = {
  app: { type: 'string' },
  'local-cloud': { type: 'string' },
  real: { type: 'boolean' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  force: { type: 'boolean' },
  'max-age': { type: 'string' },
  'content-type': { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  port: { type: 'string' },
  env: { type: 'string', short: 'e' },
  quiet: { type: 'boolean', short: 'q' },
  'no-watch': { type: 'boolean' },
  open: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  file: { type: 'string' },
  openid: { type: 'string' },
  node: { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The options every command takes. */
export const COMMON_OPTIONS: readonly OptionName[] = ['app', 'local-cloud', 'real', 'config', 'json', 'help'];

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Partial<Record<OptionName, string | boolean>>>;
}

export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    return { positionals, values: values as ParsedArgs['values'] };
  } catch (error) {
    // util.parseArgs reports unknown options and missing values with ERR_PARSE_ARGS_* codes.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

export function stringOption(args: ParsedArgs, name: OptionName): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(args: ParsedArgs, name: OptionName): boolean {
  return args.values[name] === true;
}

/** Refuses options the command does not take, so a typo'd flag is never silently ignored. */
export function allowOnly(args: ParsedArgs, command: string, extra: readonly OptionName[]): void {
  const allowed = new Set<OptionName>([...COMMON_OPTIONS, ...extra]);
  for (const name of Object.keys(args.values) as OptionName[]) {
    if (!allowed.has(name)) throw new UsageError(`${command} does not take --${name}`, command);
  }
}

export function integerOption(args: ParsedArgs, name: OptionName, command: string, range: { min: number; max: number }): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}`, command);
  }
  return value;
}
