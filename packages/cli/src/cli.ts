import { allowOnly, flag, parseCommandLine, type ParsedArgs } from './args';
import type { Command } from './command';
import { distance } from 'fastest-levenshtein';
import { callCommand } from './commands/call';
import { devCommand } from './commands/dev';
import { logsCommand } from './commands/logs';
import { useCommand } from './commands/use';
import { dbCommands } from './commands/db';
import { storageCommands } from './commands/storage';
import { tokenCommand } from './commands/token';
import type { Connection } from './connection';
import { ExitCode, UsageError, type ExitCodeValue } from './exit-codes';
import { commandHelp, groupHelp, overview, usageLine } from './help';
import type { CliIo } from './io';
import { Output } from './output';
import type { Target } from './target';
import { cliVersion } from './version';

export const COMMANDS: readonly Command[] = [devCommand, useCommand, logsCommand, tokenCommand, callCommand, ...dbCommands, ...storageCommands];

/** Words that only group commands (`wxhub db query`). */
const GROUPS: ReadonlySet<string> = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string));

type Selection =
  | { readonly kind: 'command'; readonly command: Command; readonly operands: readonly string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage'; readonly message: string; readonly command?: Command };

/** Runs one command line; resolves to the exit code (see ExitCode). Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCodeValue> {
  // Known before parsing, so that even a malformed command line answers in JSON when asked.
  let json = argv.includes('--json');
  let command: Command | undefined;
  let target: Target | undefined;
  try {
    const args = parseCommandLine(argv);
    json = flag(args, 'json');
    if (flag(args, 'version') && args.positionals.length === 0) {
      io.stdout.write(json ? `${JSON.stringify({ version: cliVersion() })}\n` : `${cliVersion()}\n`);
      return ExitCode.OK;
    }
    const selection = select(args);
    if (selection.kind === 'help') {
      io.stdout.write(selection.text);
      return ExitCode.OK;
    }
    if (selection.kind === 'usage') {
      command = selection.command;
      throw new UsageError(selection.message);
    }
    command = selection.command;
    allowOnly(
      args,
      command.name,
      command.options.map(([name]) => name),
    );
    const selected = command;
    let connection: Connection | undefined;
    return await selected.run({
      args,
      operands: selection.operands,
      io,
      out: new Output(io, json),
      connect: () => {
        if (!connection) {
          target = loadTarget().resolveTarget(args, io, selected.name);
          connection = loadConnection().connect(target);
        }
        return connection;
      },
    });
  } catch (error) {
    return loadReportError().reportError(error, { io, json, target, usage: usageLine(command) });
  }
}

/**
 * The API clients (undici, the token cache, the cloud HTTP client), loaded by the first command
 * that connects: `--help`, `--version` and usage errors answer without them.
 */
function loadConnection(): typeof import('./connection') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./connection') as typeof import('./connection');
}

/** The configuration reader (@wxhub/project-config), loaded by the first command that connects. */
function loadTarget(): typeof import('./target') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./target') as typeof import('./target');
}

/** Error descriptions need the clients' error classes: loaded only when something failed. */
function loadReportError(): typeof import('./report-error') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./report-error') as typeof import('./report-error');
}

function select(args: ParsedArgs): Selection {
  const help = flag(args, 'help');
  const [first, second, ...rest] = args.positionals;
  if (first === undefined) return help ? { kind: 'help', text: overview(COMMANDS) } : { kind: 'usage', message: 'no command given' };
  if (first === 'help') return helpFor(args.positionals.slice(1));
  if (GROUPS.has(first)) {
    const members = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (second === undefined)
      return help ? { kind: 'help', text: groupHelp(first, members) } : { kind: 'usage', message: `wxhub ${first} needs a command: ${names(members)}` };
    const command = members.find((c) => c.name === `${first} ${second}`);
    if (!command)
      return {
        kind: 'usage',
        message: `unknown command: ${first} ${second}${didYouMean(
          second,
          members.map((c) => c.name.split(' ')[1] as string),
          `${first} `,
        )} (${names(members)})`,
      };
    return help ? { kind: 'help', text: commandHelp(command) } : { kind: 'command', command, operands: rest };
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command)
    return { kind: 'usage', message: `unknown command: ${first}${didYouMean(first, [...COMMANDS.map((c) => c.name.split(' ')[0] as string), 'help'])}` };
  return help ? { kind: 'help', text: commandHelp(command) } : { kind: 'command', command, operands: args.positionals.slice(1) };
}

/** `wxhub help`, `wxhub help db`, `wxhub help db query`. */
function helpFor(words: readonly string[]): Selection {
  if (words.length === 0) return { kind: 'help', text: overview(COMMANDS) };
  const name = words.join(' ');
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return { kind: 'help', text: commandHelp(command) };
  const members = COMMANDS.filter((c) => c.name.startsWith(`${name} `));
  if (members.length > 0) return { kind: 'help', text: groupHelp(name, members) };
  return { kind: 'usage', message: `no such command: ${name}` };
}

/** `; did you mean dev?` for a word within two edits of a known one (the closest), else nothing. */
export function didYouMean(word: string, known: readonly string[], prefix = ''): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of new Set(known)) {
    const d = distance(word.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? '' : `; did you mean ${prefix}${best}?`;
}

function names(commands: readonly Command[]): string {
  return commands.map((c) => c.name.split(' ')[1]).join(', ');
}
