import type { Command } from '../command';

/** What `wxhub use` does, loaded only when it runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./use-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./use-run') as typeof import('./use-run');
}

export const useCommand: Command = {
  name: 'use',
  summary: 'make a mini program the default app of commands run in this folder',
  operands: '<app>',
  details: [
    'Checks that the running local cloud (wxhub dev) has the app (by name or appid), then writes',
    '.wxhub/use.json here: call and logs without --app use it.',
  ],
  options: [],
  examples: ['wxhub use shop'],
  run: (context) => implementation().runUse(context),
};
