import type { Command } from '../command';

/** What `wxhub token` does, loaded only when it runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./token-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./token-run') as typeof import('./token-run');
}

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
  run: (context) => implementation().runToken(context),
};
