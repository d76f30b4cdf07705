import { stringOption } from '../args';
import type { CommandContext } from '../command';
import { devCloudUrl, pickDevApp, writeDefaultApp } from '../dev-client';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { expectOperands } from '../operands';

export async function runUse({ args, operands, io, out }: CommandContext): Promise<ExitCodeValue> {
  expectOperands(operands, 'use', ['the app']);
  const app = await pickDevApp(devCloudUrl(stringOption(args, 'local-cloud'), io), operands[0], io, 'use');
  const file = writeDefaultApp(io.cwd, app.name);
  out.result({ app: app.name, appid: app.appid, file }, () => [`using ${app.name} (${app.appid}, env ${app.envId}); written to ${file}`]);
  return ExitCode.OK;
}
