#!/usr/bin/env node
import { runCli } from './cli';

/** `wxhub` (or `pnpm wxhub`): see `wxhub --help`. */
async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks).toString('utf8');
    },
    stopRequested: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          // A second Ctrl-C while stopping exits at once.
          process.once(signal, () => process.exit(130));
          resolve(signal);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
  });
  // Exit once both streams are flushed: idle keep-alive sockets must not hold a finished command open.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  process.exit(code);
}

void main();
