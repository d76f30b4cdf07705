import { flag } from '../args';
import type { Command } from '../command';
import { ExitCode } from '../exit-codes';
import { expectOperands } from '../operands';

export const tokenCommand: Command = {
  name: 'token',
  summary: "print the app's access token",
  operands: '',
  details: [
    'Prints the access token of the app on stdout (and when it expires on stderr). It comes from',
    'cgi-bin/stable_token: the token already in use is handed back, so asking never invalidates the',
    'token a deployed function or backend holds.',
  ],
  options: [['force', 'get a NEW token (stable_token force_refresh): the previous one stops working at once; WeChat allows 20 a day, 30 s apart']],
  examples: [
    'wxhub token --app A',
    'wxhub token --app A --force --json',
    'curl "http://127.0.0.1:8780/cgi-bin/get_api_domain_ip?access_token=$(wxhub token --app A)"',
  ],
  async run({ operands, args, out, connect }) {
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
    out.note(
      `app ${app.name} (${mode === 'real' ? 'WeChat' : 'local cloud'}): expires in ${expiresInSeconds} s, at ${new Date(token.expiresAt).toISOString()}`,
    );
    return ExitCode.OK;
  },
};
