import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * The Node binaries the built functions are tested on: WeChat's cloud runtimes (16.13 and 18.15,
 * installed from the npm registry into .tools/ by scripts/node-runtimes.mjs), the only ones the
 * bundles ever run on once deployed. The local Node is not among them: a third run of the same
 * end-to-end calls tested no behaviour of its own (the local cloud's runtime on the local Node is
 * covered by packages/local-cloud/test/runtime*.test.ts).
 */
export function testedNodeRuntimes(): Array<{ version: string; binary: string }> {
  const source = `const m = await import(${JSON.stringify(join(REPO_ROOT, 'scripts', 'node-runtimes.mjs'))});
    process.stdout.write(JSON.stringify(m.wechatNodeBinaries()));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wechat = JSON.parse(output) as Record<string, string>;
  return Object.entries(wechat).map(([version, binary]) => ({ version, binary }));
}
