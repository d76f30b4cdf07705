import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An npm registry on loopback for install tests (nothing leaves the machine): it serves the
 * packages given (each a tarball made with `npm pack` from the files given), answers 404 for any
 * other, and `hang` makes it accept requests and never answer.
 */
export interface FakeRegistry {
  readonly url: string;
  /** How many requests it received. */
  requests(): number;
  close(): Promise<void>;
}

export async function startFakeRegistry(
  packages: ReadonlyArray<{ name: string; version: string; files: Record<string, string> }>,
  options: { hang?: boolean } = {},
): Promise<FakeRegistry> {
  const work = mkdtempSync(join(tmpdir(), 'wxhub-fake-registry-'));
  const tarballs = new Map<string, Buffer>();
  for (const pkg of packages) {
    const dir = join(work, pkg.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, main: 'index.js' }));
    for (const [file, text] of Object.entries(pkg.files)) writeFileSync(join(dir, file), text);
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop() as string;
    tarballs.set(pkg.name, readFileSync(join(work, file)));
  }
  rmSync(work, { recursive: true, force: true });
  let count = 0;
  const held: Array<() => void> = [];
  const server: Server = createServer((request, response) => {
    count += 1;
    if (options.hang) {
      held.push(() => response.destroy());
      return;
    }
    const url = new URL(request.url ?? '/', 'http://registry');
    const [, name, dash, file] = decodeURIComponent(url.pathname).split('/');
    const pkg = packages.find((candidate) => candidate.name === name);
    const bytes = pkg && tarballs.get(pkg.name);
    if (!pkg || !bytes) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
    } else if (dash === '-' && file) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    } else {
      const base = `http://${request.headers.host}`;
      const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
      const shasum = createHash('sha1').update(bytes).digest('hex');
      const version = { name: pkg.name, version: pkg.version, dist: { tarball: `${base}/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`, integrity, shasum } };
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: { [pkg.version]: version } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const release of held.splice(0)) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * npm's environment for a test: this registry, a private cache, none of pnpm's/jest's npm_* settings.
 * The install's one retry (--fetch-retries=1) still happens, but after 50 ms instead of npm's
 * default back-off of 10 s, which every unreachable registry or mirror spent asleep.
 */
export function npmEnv(registry: string, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|PNPM_|NODE_PATH$)/i.test(key)) env[key] = value;
  return {
    ...env,
    npm_config_registry: registry,
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
    npm_config_fetch_retry_mintimeout: '50',
    npm_config_fetch_retry_maxtimeout: '100',
  };
}
