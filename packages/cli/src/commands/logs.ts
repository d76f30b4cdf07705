import type { Command } from '../command';

/** What `wxhub logs` does, loaded only when it runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./logs-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./logs-run') as typeof import('./logs-run');
}

export const logsCommand: Command = {
  name: 'logs',
  summary: "print a function's captured console output from the running local cloud",
  operands: '[function]',
  details: ['Without a function, the logs of every function of the app. -f keeps printing new lines until Ctrl-C.'],
  options: [['follow', 'keep printing new lines as they come']],
  examples: ['wxhub logs addOrder --app shop', 'wxhub logs --app shop'],
  run: (context) => implementation().runLogs(context),
};
