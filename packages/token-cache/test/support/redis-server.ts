import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';

/** A real redis-server of the tests' own, on loopback, persisting nothing. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

const READY = /Ready to accept connections/;
const PORT_TAKEN = /Address already in use/;

/**
 * Starts `redis-server` on a free loopback port in a temporary directory and resolves once it
 * logs that it accepts connections. Fails (never skips) when redis-server is not installed:
 * `.ci/run` installs it from Debian's packages.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-redis-'));
  try {
    // The port is free when Node picks it but may be taken before Redis binds it: try again.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(port, dir);
      if (started.ok) return serverOf(started.child, port, dir);
      if (!PORT_TAKEN.test(started.log) || attempt === 5) throw new Error(`redis-server did not start: ${started.log.trim().slice(-2000)}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type Launch = { ok: true; child: ChildProcess } | { ok: false; log: string };

function launch(port: number, dir: string): Promise<Launch> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (READY.test(log)) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.off('exit', onExit);
        resolve({ ok: true, child });
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      resolve({ ok: false, log: `${log}\n(exited with ${code ?? signal})` });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.once('exit', onExit);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'ENOENT' ? 'redis-server is not installed (apt-get install -y redis-server; .ci/run does it)' : error.message;
      resolve({ ok: false, log: hint });
    });
  });
}

function serverOf(child: ChildProcess, port: number, dir: string): RedisServer {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      // SIGTERM: Redis shuts down cleanly, and with `--save ''` writes nothing.
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nobody listened on a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
