import type { Command } from '../command';
import { devCloudUrl, pickDevApp, writeDefaultApp } from '../dev-client';
import { ExitCode } from '../exit-codes';
import { expectOperands } from '../operands';
import { stringOption } from '../args';

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
  async run({ args, operands, io, out }) {
    expectOperands(operands, 'use', ['the app']);
    const app = await pickDevApp(devCloudUrl(stringOption(args, 'local-cloud'), io), operands[0], io, 'use');
    const file = writeDefaultApp(io.cwd, app.name);
    out.result({ app: app.name, appid: app.appid, file }, () => [`using ${app.name} (${app.appid}, env ${app.envId}); written to ${file}`]);
    return ExitCode.OK;
  },
};
