import type { Command } from '../command';
import { ExitCode } from '../exit-codes';
import { expectOperands, jsonObject, operandText } from '../operands';
import { pretty } from '../output';

export const callCommand: Command = {
  name: 'call',
  summary: 'run a cloud function (tcb/invokecloudfunction)',
  operands: '<function> [event-json|-]',
  details: [
    "Runs the function in the app's environment with the event (a JSON object; - reads it from",
    "stdin) and prints what it returned. As with WeChat's HTTP API, the function sees",
    'userInfo.appId and no OPENID (to play a user, use pnpm call --openid).',
  ],
  options: [],
  examples: [`wxhub call users_add '{"name":"李雷"}' --app A`, 'wxhub call token_status --app B --json', 'wxhub call report - --app A < event.json'],
  async run({ operands, io, out, connect }) {
    expectOperands(operands, 'call', ['the function name'], 1);
    const [name, eventArg] = operands as [string, string | undefined];
    const event = eventArg === undefined ? {} : jsonObject(await operandText(eventArg, io), 'the event', 'call');
    const result = await connect().cloud.invokeFunction(name, event);
    out.result({ result }, () => [pretty(result)]);
    return ExitCode.OK;
  },
};
