import type { Command } from '../command';

/** What `wxhub call` does, loaded only when it runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./call-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./call-run') as typeof import('./call-run');
}

export const callCommand: Command = {
  name: 'call',
  summary: 'run a cloud function (tcb/invokecloudfunction, or as a user with --openid)',
  operands: '<function> [event-json|-]',
  details: [
    "Runs the function in the app's environment with the event (a JSON object; - reads it from",
    "stdin, --file from a file) and prints what it returned. As with WeChat's HTTP API, the function",
    'sees userInfo.appId and no OPENID. With --openid, or in a project without a wxhub configuration',
    '(one run by wxhub dev), it is called as a mini program user calls it (wx.cloud.callFunction).',
  ],
  options: [
    ['file', 'read the event from this JSON file'],
    ['openid', 'call as this user (the client-call endpoint of the local cloud)'],
  ],
  examples: [
    `wxhub call users_add '{"name":"李雷"}' --app A`,
    'wxhub call token_status --app B --json',
    'wxhub call report - --app A < event.json',
    `wxhub call addOrder '{"item":"tea","quantity":2}' --app shop --openid oUser1`,
    'wxhub call addOrder --file event.json --app shop --openid oUser1',
  ],
  run: (context) => implementation().runCall(context),
};
