import { flag, stringOption } from '../args';
import type { CommandContext } from '../command';
import { devCloudUrl, devFunctions, devLogs, pickDevApp, type DevLogEntry } from '../dev-client';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { expectOperands } from '../operands';

/** How often `-f` asks the local cloud for new lines. */
const FOLLOW_INTERVAL_MS = 500;

export async function runLogs({ args, operands, io, out }: CommandContext): Promise<ExitCodeValue> {
  expectOperands(operands, 'logs', [], 1);
  const base = devCloudUrl(stringOption(args, 'local-cloud'), io);
  const app = await pickDevApp(base, stringOption(args, 'app'), io, 'logs');
  const names = operands[0] !== undefined ? [operands[0]] : await devFunctions(base, app.envId);
  const seen = new Map<string, number>();
  const print = async (): Promise<void> => {
    for (const name of names) {
      const entries = await devLogs(base, app.envId, name);
      const fresh = entries.slice(seen.get(name) ?? 0);
      seen.set(name, entries.length);
      out.result({ name, logs: fresh }, () =>
        fresh.map((entry: DevLogEntry) => `${entry.at.slice(11, 19)}  ${name}  ${entry.level.padEnd(7)} ${entry.message}`),
      );
    }
  };
  await print();
  if (!flag(args, 'follow')) return ExitCode.OK;
  let stopped = false;
  void io.stopRequested?.().then(() => (stopped = true));
  while (!stopped) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
    if (!stopped) await print();
  }
  return ExitCode.OK;
}
