import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionRuntime } from '../src/runtime';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BACKEND_URL = 'http://127.0.0.1:9/sdk-backend';

/**
 * Calls an export of one of the repository's ESM scripts in a separate Node process (jest cannot
 * load .mjs) and returns what it resolved to, through JSON.
 */
function callScript<T>(script: string, exportName: string, args: unknown[]): T {
  const source = `
    const mod = await import(${JSON.stringify(path.join(REPO_ROOT, script))});
    const value = await mod[${JSON.stringify(exportName)}](...${JSON.stringify(args)});
    process.stdout.write(JSON.stringify(value));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output) as T;
}

interface HelloResult {
  openid?: string;
  appid?: string;
  env?: string;
  node: string;
  echo: unknown;
  fetched?: { status: number; body: unknown };
}

describe('the built hello function on WeChat’s Node runtimes', () => {
  const outRoot = mkdtempSync(path.join(os.tmpdir(), 'wxhub-build-'));
  let runtimes: Record<string, string> = {};
  let bundleDir = '';
  let server: http.Server;
  let serverUrl = '';
  let runtime: FunctionRuntime;
  const figures: string[] = [];

  beforeAll(async () => {
    const [built] = callScript<Array<{ name: string; outDir: string; bytes: number }>>('scripts/lib/build-functions.mjs', 'buildFunctions', [
      { names: ['hello'], outRoot },
    ]);
    if (!built) throw new Error('the build returned nothing for hello');
    bundleDir = built.outDir;
    // Installs into .tools/ on the first run (from the npm registry), then reuses it.
    runtimes = {
      ...callScript<Record<string, string>>('scripts/node-runtimes.mjs', 'wechatNodeBinaries', []),
      [process.version.slice(1)]: process.execPath,
    };
    server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ youAsked: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runtime = new FunctionRuntime({ idleCheckIntervalMs: 0 });
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(outRoot, { recursive: true, force: true });
    if (process.env.WXHUB_RUNTIME_FIGURES === '1') console.log(figures.join('\n'));
  });

  it('builds hello as WeChat uploads it: one CommonJS file, wx-server-sdk left to the cloud', () => {
    const manifest = JSON.parse(readFileSync(path.join(bundleDir, 'package.json'), 'utf8')) as unknown;
    const bundle = readFileSync(path.join(bundleDir, 'index.js'), 'utf8');

    expect(manifest).toEqual({ name: 'hello', version: '0.1.0', main: 'index.js', dependencies: { 'wx-server-sdk': '4.0.2' } });
    expect(JSON.parse(readFileSync(path.join(bundleDir, 'config.json'), 'utf8'))).toMatchObject({ timeout: 5 });
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? '');
    expect(required).toContain('wx-server-sdk');
    expect(required.filter((name) => !name.startsWith('node:') && !isBuiltin(name))).toEqual(['wx-server-sdk']);
  });

  it('installs 16.13.0 and 18.15.0', () => {
    expect(Object.keys(runtimes)).toEqual(expect.arrayContaining(['16.13.0', '18.15.0']));
  });

  it.each(['16.13.0', '18.15.0', process.version.slice(1)])(
    'loads the bundle and its wx-server-sdk on Node %s, answers getWXContext() and makes an HTTP call with undici',
    async (version) => {
      const envId = `env-node-${version.replace(/\./g, '-')}`;
      runtime.register({ envId, name: 'hello', dir: bundleDir, backendUrl: BACKEND_URL, nodeBinary: runtimes[version] });
      const caller = { openid: `o-${version}`, appid: 'wx-hello' };

      const cold = await runtime.invoke({ envId, name: 'hello', event: { echo: 1 }, caller });
      const fetched = await runtime.invoke({
        envId,
        name: 'hello',
        event: { echo: 2, fetchUrl: `${serverUrl}/ping?from=${version}` },
        caller,
      });
      const warm: number[] = [];
      for (let i = 3; i <= 7; i++) {
        const call = await runtime.invoke({ envId, name: 'hello', event: { echo: i }, caller });
        expect(call.coldStart).toBe(false);
        expect(call.instanceId).toBe(cold.instanceId);
        warm.push(call.durationMs);
      }

      expect(cold.coldStart).toBe(true);
      expect(cold.result).toEqual({
        openid: `o-${version}`,
        appid: 'wx-hello',
        env: envId,
        node: `v${version}`,
        echo: 1,
      } satisfies HelloResult);
      expect(fetched.coldStart).toBe(false);
      expect((fetched.result as HelloResult).fetched).toEqual({ status: 200, body: { youAsked: `/ping?from=${version}` } });
      warm.sort((a, b) => a - b);
      figures.push(
        `node ${version.padEnd(8)} cold ${cold.durationMs.toFixed(1).padStart(7)} ms   ` +
          `first HTTP call (warm) ${fetched.durationMs.toFixed(1).padStart(6)} ms   ` +
          `warm median ${(warm[2] ?? NaN).toFixed(2).padStart(6)} ms (5 calls)`,
      );
    },
  );
});
