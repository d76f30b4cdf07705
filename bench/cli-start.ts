/**
 * `pnpm bench`, section 11: how long `wxhub --version` takes in a user's project (the packed
 * packages installed with npm, as the consumer test installs them), next to baselines measured in
 * the same interleaved rounds:
 *   - `node -e 0`: the floor of any Node program (the ratios are against it);
 *   - `npx <a bin that does nothing>`: the floor of anything run through npx (npm's own start and
 *     its lookup of the local bin), in a folder of its own beside the consumer;
 *   - `node <wxhub's bin> --version` / `--help`, and `npx wxhub --version`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { consumerEnv, packedConsumer } from '@wxhub/test-support';
import { median, table } from './lib/stats';

/** A project whose only dependency is a bin that does nothing: what npx costs by itself. */
function noopProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxhub-bench-npx-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npx-floor', private: true, dependencies: { noop: '1.0.0' } }));
  const pkg = join(dir, 'node_modules', 'noop');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'noop', version: '1.0.0', bin: { noop: 'noop.js' } }));
  writeFileSync(join(pkg, 'noop.js'), '#!/usr/bin/env node\n');
  chmodSync(join(pkg, 'noop.js'), 0o755);
  mkdirSync(join(dir, 'node_modules', '.bin'));
  symlinkSync(join('..', 'noop', 'noop.js'), join(dir, 'node_modules', '.bin', 'noop'));
  return dir;
}

function wallMs(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  execFileSync(command, args, { cwd, env: consumerEnv(), stdio: 'ignore' });
  return performance.now() - started;
}

export async function benchCliStart(runs: number): Promise<void> {
  const consumer = await packedConsumer();
  const floor = noopProject();
  const bin = join(consumer, 'node_modules', '@wxhub', 'cli', 'dist', 'main.js');
  try {
    const cases: Array<[string, () => number]> = [
      ['node -e 0', () => wallMs(process.execPath, ['-e', '0'], consumer)],
      ['node <bin> --version', () => wallMs(process.execPath, [bin, '--version'], consumer)],
      ['node <bin> --help', () => wallMs(process.execPath, [bin, '--help'], consumer)],
      ['npx noop (npx floor)', () => wallMs('npx', ['--no-install', 'noop'], floor)],
      ['npx wxhub --version', () => wallMs('npx', ['--no-install', 'wxhub', '--version'], consumer)],
    ];
    for (const [, measure] of cases) measure(); // file system caches warm for every case alike
    // Interleaved rounds, so drift in the machine's load touches baselines and the CLI alike.
    const samples = cases.map((): number[] => []);
    for (let round = 0; round < runs; round++) cases.forEach(([, measure], i) => samples[i]!.push(measure()));
    const medians = samples.map(median);
    console.log(`\n11. wxhub start in a user's project (packed packages installed with npm), median of ${runs} interleaved rounds; ratio to node -e 0`);
    table([['command', 'ms', 'ratio'], ...cases.map(([label], i) => [label, medians[i]!.toFixed(0), (medians[i]! / medians[0]!).toFixed(2)])]);
    console.log(
      `  wxhub's own share: --version ${(medians[1]! - medians[0]!).toFixed(0)} ms over node; npx wxhub ${(medians[4]! - medians[3]!).toFixed(0)} ms over npx's floor`,
    );
  } finally {
    rmSync(floor, { recursive: true, force: true });
  }
}
