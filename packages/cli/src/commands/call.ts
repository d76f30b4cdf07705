import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flag, stringOption } from '../args';
import type { Command } from '../command';
import { clientCall, devCloudUrl, pickDevApp } from '../dev-client';
import { ExitCode, UsageError } from '../exit-codes';
import { expectOperands, jsonObject, operandText } from '../operands';
import { pretty } from '../output';
import { hasConfigFile } from '../target';

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
  async run({ args, operands, io, out, connect }) {
    expectOperands(operands, 'call', ['the function name'], 1);
    const [name, eventArg] = operands as [string, string | undefined];
    const file = stringOption(args, 'file');
    if (file !== undefined && eventArg !== undefined) throw new UsageError('give the event as an argument or with --file, not both', 'call');
    const text = file !== undefined ? readEventFile(resolve(io.cwd, file)) : eventArg === undefined ? '{}' : await operandText(eventArg, io);
    const event = jsonObject(text, 'the event', 'call');
    const openid = stringOption(args, 'openid');
    let result: unknown;
    if (!flag(args, 'real') && (openid !== undefined || !hasConfigFile(stringOption(args, 'config'), io.cwd))) {
      const base = devCloudUrl(stringOption(args, 'local-cloud'), io);
      const app = await pickDevApp(base, stringOption(args, 'app'), io, 'call');
      result = await clientCall(base, { appid: app.appid, name, data: event, ...(openid !== undefined ? { openid } : {}) });
    } else {
      result = await connect().cloud.invokeFunction(name, event);
    }
    out.result({ result }, () => [pretty(result)]);
    return ExitCode.OK;
  },
};

function readEventFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${file} cannot be read: ${(error as Error).message}`, 'call');
  }
}
