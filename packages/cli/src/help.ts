import type { OptionName } from './args';
import type { Command } from './command';
import { DEFAULT_LOCAL_CLOUD_URL } from './endpoints';

const COMMON_HELP: ReadonlyArray<readonly [string, string]> = [
  ['--app <name>', 'the mini program, by its name in the configuration (A, B) or its appid'],
  ['--local-cloud <url>', `the local cloud (default $WXHUB_LOCAL_CLOUD_URL, $WXHUB_LOCAL_CLOUD or ${DEFAULT_LOCAL_CLOUD_URL})`],
  ['--real', 'call the real WeChat API; every ${NAME} of the configuration must be set in the environment'],
  ['--config <file>', 'the configuration (default wxhub.config.local.json, else wxhub.config.example.json, here or above)'],
  ['--json', 'print one JSON document on stdout (errors too: {"error": {...}})'],
  ['-h, --help', 'this help'],
];

const EXIT_CODES = [
  'Exit codes: 0 ok; 1 WeChat/the cloud refused or failed (errcode printed); 2 usage error;',
  '3 configuration error (no config file, unknown app, unset secret).',
];

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function overview(commands: readonly Command[]): string {
  return [
    "wxhub — operate a mini program's cloud from a terminal: tokens, functions, database, storage.",
    'Against the local cloud (pnpm local-cloud) unless --real is given.',
    '',
    'usage: wxhub <command> [arguments] --app <name> [options]',
    '',
    'Commands:',
    ...table(commands.map((command) => [command.name, command.summary])),
    '',
    'Options:',
    ...table([...COMMON_HELP, ['-v, --version', 'the version of wxhub']]),
    '',
    ...EXIT_CODES,
    '',
    "wxhub <command> --help shows a command's arguments and examples, e.g. wxhub db query --help.",
    '',
  ].join('\n');
}

/** The commands of a group (`wxhub db --help`). */
export function groupHelp(group: string, commands: readonly Command[]): string {
  return [
    `usage: wxhub ${group} <command> [arguments] --app <name> [options]`,
    '',
    'Commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    `wxhub ${group} <command> --help for details.`,
    '',
  ].join('\n');
}

/** What each command-specific option takes, for its help line. */
const PLACEHOLDERS: Readonly<Partial<Record<OptionName, string>>> = {
  'max-age': ' <seconds>',
  'content-type': ' <type>',
  limit: ' <n>',
  offset: ' <n>',
  port: ' <n>',
  env: ' <env-id>',
  file: ' <event.json>',
  openid: ' <openid>',
  node: ' <binary>',
};

export function commandHelp(command: Command): string {
  const options = [...command.options.map(([name, text]) => [`--${name}${PLACEHOLDERS[name] ?? ''}`, text] as const), ...COMMON_HELP];
  return [
    `usage: wxhub ${command.name}${command.operands ? ` ${command.operands}` : ''} --app <name> [options]`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    ...(command.details.length > 0 ? ['', ...command.details] : []),
    '',
    'Options:',
    ...table(options),
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

/** One line pointing a mistaken user at the right help. */
export function usageLine(command: Command | undefined): string {
  return command
    ? `usage: wxhub ${command.name}${command.operands ? ` ${command.operands}` : ''} --app <name> [options] (wxhub ${command.name} --help)`
    : 'usage: wxhub <command> [arguments] --app <name> [options] (wxhub --help)';
}
