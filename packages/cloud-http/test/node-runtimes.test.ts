import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { LocalCloud } from '@wxhub/local-cloud';
import { APP_A, startCloud } from './support/local-cloud-client';

// The client may run inside a cloud function: bundled as WeChat's runtimes load it, it must work
// on Node 16.13 and 18.15 (undici 5, no newer Node APIs).

const REPO = join(__dirname, '..', '..', '..');

jest.setTimeout(180_000);

let cloud: LocalCloud;
let outDir: string;
let bundle: string;
let runtimes: Record<string, string>;

beforeAll(async () => {
  cloud = await startCloud();
  cloud.backend.database(APP_A.envId).createCollection('users');
  outDir = mkdtempSync(join(tmpdir(), 'wxhub-cloud-http-node-'));
  bundle = join(outDir, 'driver.js');
  buildSync({
    entryPoints: [join(__dirname, 'fixtures', 'old-node-driver.ts')],
    bundle: true,
    platform: 'node',
    target: 'node16.13',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'silent',
  });
  // Installs WeChat's Node binaries into .tools/ on the first run, then reuses them.
  const source = `const m = await import(${JSON.stringify(join(REPO, 'scripts', 'node-runtimes.mjs'))}); process.stdout.write(JSON.stringify(m.wechatNodeBinaries()));`;
  runtimes = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: REPO, encoding: 'utf8' })) as Record<string, string>;
});

afterAll(async () => {
  await cloud?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function runOn(node: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [bundle], {
      env: { PATH: process.env.PATH ?? '', BASE_URL: cloud.wechatApiBase, APPID: APP_A.appid, SECRET: APP_A.secret, ENV_ID: APP_A.envId },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test.each(['16.13.0', '18.15.0'])('runs on Node %s', async (version) => {
  cloud.backend.database(APP_A.envId).clear('users');
  const node = runtimes[version];
  expect(node).toBeDefined();
  const run = await runOn(node as string);
  // Node 16 warns that undici 5 loads stream/web (experimental there); nothing else may be printed.
  const complaints = run.stderr.split('\n').filter((line) => line !== '' && !/ExperimentalWarning: stream\/web|node --trace-warnings/.test(line));
  expect(complaints).toEqual([]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    node: `v${version}`,
    ids: 2,
    adults: [{ name: 'Li', sinceIsDate: true, since: 1_700_000_000_000 }],
    progressEnd: 150 * 1024,
    linkOk: true,
  });
});
