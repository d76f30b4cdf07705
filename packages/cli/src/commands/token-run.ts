import { flag } from '../args';
import type { CommandContext } from '../command';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { expectOperands } from '../operands';

export async function runToken({ operands, args, out, connect }: CommandContext): Promise<ExitCodeValue> {
  expectOperands(operands, 'token', []);
  const connection = connect();
  const token = await connection.token(flag(args, 'force'));
  const expiresInSeconds = Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000));
  const { app, mode } = connection.target;
  out.result(
    {
      app: app.name,
      appid: app.appid,
      env: app.envId,
      target: mode,
      accessToken: token.value,
      expiresAt: new Date(token.expiresAt).toISOString(),
      expiresInSeconds,
    },
    () => [token.value],
  );
  out.note(`app ${app.name} (${mode === 'real' ? 'WeChat' : 'local cloud'}): expires in ${expiresInSeconds} s, at ${new Date(token.expiresAt).toISOString()}`);
  return ExitCode.OK;
}
