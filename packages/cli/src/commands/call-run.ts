import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flag, stringOption } from '../args';
import type { CommandContext } from '../command';
import { clientCall, devCloudUrl, pickDevApp } from '../dev-client';
import { ExitCode, UsageError, type ExitCodeValue } from '../exit-codes';
import { expectOperands, jsonObject, operandText } from '../operands';
import { pretty } from '../output';
import { hasConfigFile } from '../target';

export async function runCall({ args, operands, io, out, connect }: CommandContext): Promise<ExitCodeValue> {
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
}

function readEventFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file ${file} cannot be read: ${(error as Error).message}`, 'call');
  }
}
