import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectWatchTargets, RebuildQueue, workspaceDependencies, type RebuildResult } from '../src/dev';

/** A build the test finishes by hand. */
function controlledBuilder() {
  const builds: Array<{ names: readonly string[]; finish: (error?: Error) => void }> = [];
  let started: () => void = () => undefined;
  const builder = (names: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      builds.push({ names, finish: (error) => (error ? reject(error) : resolve()) });
      started();
    });
  const nextStart = () => new Promise<void>((resolve) => (started = resolve));
  return { builder, builds, nextStart };
}

describe('RebuildQueue', () => {
  it('builds one batch at a time and folds changes made during a build into the next one', async () => {
    const { builder, builds, nextStart } = controlledBuilder();
    const deployed: string[] = [];
    const results: RebuildResult[] = [];
    const queue = new RebuildQueue({ build: builder, deploy: (name) => deployed.push(name), onResult: (r) => results.push(r) });

    let firstStarted = nextStart();
    const first = queue.request(['api']);
    await firstStarted;
    // While api builds, two more changes arrive: one batch after it, not two builds.
    void queue.request(['users_add']);
    void queue.request(['api', 'refresh_tokens']);
    expect(builds).toHaveLength(1);
    firstStarted = nextStart();
    builds[0]?.finish();
    await firstStarted;
    expect(builds.map((b) => b.names)).toEqual([['api'], ['api', 'refresh_tokens', 'users_add']]);
    builds[1]?.finish();
    await first;
    await queue.idle();
    expect(deployed).toEqual(['api', 'api', 'refresh_tokens', 'users_add']);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('reports a failed build (nothing deployed) and a failed deploy (the others deployed), and goes on', async () => {
    const { builder, builds, nextStart } = controlledBuilder();
    const results: RebuildResult[] = [];
    const queue = new RebuildQueue({
      build: builder,
      deploy: (name) => {
        if (name === 'bad') throw new Error('invalid cron expression');
      },
      onResult: (r) => results.push(r),
    });
    let started = nextStart();
    const done = queue.request(['api']);
    await started;
    builds[0]?.finish(new Error('cloud function api: build failed: Unexpected "{"'));
    await done;
    expect(results[0]).toMatchObject({ ok: false, names: ['api'], deployed: [], message: expect.stringContaining('Unexpected') });

    started = nextStart();
    const again = queue.request(['api', 'bad']);
    await started;
    builds[1]?.finish();
    await again;
    expect(results[1]).toMatchObject({ ok: false, deployed: ['api'], message: 'bad: invalid cron expression' });
  });
});

describe('what to watch', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-watch-targets-'));
    const pkg = (dir: string, name: string, deps: string[]) => {
      mkdirSync(join(root, dir, 'src'), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ name, dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:*'])) }));
    };
    pkg('packages/core', '@x/core', []);
    pkg('packages/tokens', '@x/tokens', ['@x/core']);
    pkg('packages/wechat', '@x/wechat', ['@x/core', '@x/tokens']);
    pkg('packages/emulator', '@x/emulator', ['@x/core']);
    pkg('cloudfunctions/api', 'fn-api', ['@x/wechat', 'wx-server-sdk']);
    pkg('cloudfunctions/plain', 'fn-plain', ['@x/core']);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("follows each function's workspace dependencies transitively", () => {
    const deps = workspaceDependencies(root, ['api', 'plain']);
    expect([...(deps.get('api') ?? [])].sort()).toEqual(['core', 'tokens', 'wechat']);
    expect([...(deps.get('plain') ?? [])]).toEqual(['core']);
  });

  it("watches each function's sources and the packages it bundles, not the others", () => {
    const targets = projectWatchTargets(root, ['api', 'plain']).map((t) => ({ ...t, dir: t.dir.slice(root.length + 1) }));
    expect(targets).toEqual([
      { dir: 'cloudfunctions/api/src', recursive: true, functions: ['api'] },
      { dir: 'cloudfunctions/api', recursive: false, files: ['config.json', 'package.json'], functions: ['api'] },
      { dir: 'cloudfunctions/plain/src', recursive: true, functions: ['plain'] },
      { dir: 'cloudfunctions/plain', recursive: false, files: ['config.json', 'package.json'], functions: ['plain'] },
      { dir: 'packages/core/src', recursive: true, functions: ['api', 'plain'] },
      { dir: 'packages/tokens/src', recursive: true, functions: ['api'] },
      { dir: 'packages/wechat/src', recursive: true, functions: ['api'] },
    ]);
  });
});
