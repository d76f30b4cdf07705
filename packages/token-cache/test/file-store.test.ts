import { fork, type ChildProcess } from 'child_process';
import { promises as fs, mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { FileStore, TokenStoreError } from '../src';
import { MIN_STALE_MS, withFileLock } from '../src/file-lock';
import { fileNameFor } from '../src/file-store';
import type { ChildAnswer, ChildCommand } from './support/file-store-child';
import { describeStoreContract } from './support/store-contract';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-file-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const KEY = 'wx0123456789abcdef';
const NOW = Date.UTC(2026, 0, 1);

describeStoreContract('FileStore', () => new FileStore({ dir: tempDir() }));

describe('FileStore files', () => {
  it('keeps one private JSON file per key, with no temporary files left behind', async () => {
    const dir = tempDir();
    const store = new FileStore({ dir: path.join(dir, 'nested', 'tokens') });
    const token = { value: 'file-token-value', expiresAt: NOW + 60_000 };
    await store.claim(KEY, 'a', NOW + 30_000, NOW);
    await store.put(KEY, token, 'a', NOW);
    await store.put('other', token, 'a', NOW);

    const files = await fs.readdir(path.join(dir, 'nested', 'tokens'));
    expect(files.sort()).toEqual(['other.json', `${KEY}.json`].sort());
    const file = store.fileFor(KEY);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ key: KEY, token });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('maps any key to a file inside its directory', () => {
    for (const key of ['../escape', 'a/b', 'baidu:AK.1', '.hidden', 'x*y']) {
      expect(fileNameFor(key)).toMatch(/^[A-Za-z0-9_%-]+$/);
    }
    expect(new Set(['a.b', 'a%2Eb', 'a_b'].map(fileNameFor)).size).toBe(3);
  });

  it('readers never see a half-written file while writers replace it', async () => {
    const store = new FileStore({ dir: tempDir() });
    const written = new Set<string>();
    const first = { value: `V-0-${'x'.repeat(2000)}`, expiresAt: NOW + 60_000 };
    written.add(first.value);
    await store.put(KEY, first, 'w', NOW);
    const writes = Array.from({ length: 30 }, async (_, i) => {
      const token = { value: `V-${i + 1}-${'x'.repeat(2000)}`, expiresAt: NOW + 60_000 };
      written.add(token.value);
      await store.put(KEY, token, 'w', NOW);
    });
    const reads = Array.from({ length: 60 }, () => store.read(KEY));
    const [, seen] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    for (const entry of seen) expect(written.has(entry?.token?.value ?? 'torn or missing')).toBe(true);
  });

  it('takes over a lock left by a crashed process once it is stale, and leaves no lock behind', async () => {
    const dir = tempDir();
    const store = new FileStore({ dir, lockStaleMs: 10_000 });
    const lock = path.join(dir, `${KEY}.lock`);
    await fs.mkdir(lock);
    const longAgo = new Date(Date.now() - 60_000);
    await fs.utimes(lock, longAgo, longAgo);

    expect(await store.claim(KEY, 'a', NOW + 30_000, NOW)).toBe(true);
    expect(await fs.readdir(dir)).toEqual([`${KEY}.json`]);
  });
});

describe('withFileLock', () => {
  it('refuses to write once another process has taken the lock over', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'k.lock');
    const error = await withFileLock(lock, { staleMs: 10_000 }, async (guard) => {
      await guard.assertHeld();
      // What a second waiter that also saw the lock stale does (proper-lockfile issue #121).
      await fs.rmdir(lock);
      await fs.mkdir(lock);
      await fs.writeFile(`${lock}.owner`, 'other-holder');
      return guard.assertHeld().then(
        () => undefined,
        (e: unknown) => e,
      );
    });
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as TokenStoreError).message).toMatch(/taken over by another process/);
    // The other holder's lock and owner mark are left alone.
    expect(await fs.readFile(`${lock}.owner`, 'utf8')).toBe('other-holder');
    expect((await fs.stat(lock)).isDirectory()).toBe(true);
  });

  it('a caller queued behind a holder in its own process that hangs gives up at its deadline', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'k.lock');
    let unblock!: () => void;
    const hung = withFileLock(lock, { staleMs: MIN_STALE_MS }, () => new Promise<void>((resolve) => (unblock = resolve)));
    const error = await withFileLock(lock, { staleMs: MIN_STALE_MS }, async () => 'entered').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect((error as TokenStoreError).message).toMatch(/stayed locked/);
    unblock();
    await hung;
    expect(await withFileLock(lock, { staleMs: MIN_STALE_MS }, async () => 'entered')).toBe('entered');
    expect(await fs.readdir(dir)).toEqual([]);
  });
});

describe('FileStore across processes', () => {
  let childScript: string;
  beforeAll(async () => {
    childScript = path.join(tempDir(), 'file-store-child.js');
    await build({
      entryPoints: [path.join(__dirname, 'support', 'file-store-child.ts')],
      bundle: true,
      platform: 'node',
      target: 'node16',
      outfile: childScript,
      logLevel: 'silent',
    });
  });

  /** Starts the children, waits until all are ready, then sends each its command at once. */
  async function race(commands: ChildCommand[]): Promise<ChildAnswer[]> {
    const children = commands.map(() => fork(childScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    try {
      await Promise.all(children.map((child) => once(child)));
      const answers = children.map((child) => once(child) as Promise<ChildAnswer>);
      children.forEach((child, i) => child.send(commands[i]!));
      return await Promise.all(answers);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill();
    }
  }

  it('exactly one of four processes wins each claim', async () => {
    const dir = tempDir();
    for (let round = 0; round < 3; round++) {
      const key = `${KEY}-${round}`;
      const answers = await race([0, 1, 2, 3].map((i) => ({ op: 'claim', dir, key, holder: `p${i}`, until: NOW + 30_000, now: NOW })));
      expect(answers.filter((answer) => 'won' in answer && answer.won)).toHaveLength(1);
    }
  });

  it('a process SIGKILLed while holding the lock blocks the key only until the lock is stale', async () => {
    const dir = tempDir();
    const holder = fork(childScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const waiter = fork(childScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      await Promise.all([once(holder), once(waiter)]);
      const holding = once(holder);
      holder.send({ op: 'hold', dir, key: KEY, lockStaleMs: MIN_STALE_MS } satisfies ChildCommand);
      expect(await holding).toEqual({ holding: true });

      const claimed = once(waiter);
      waiter.send({ op: 'claim', dir, key: KEY, holder: 'waiter', until: NOW + 30_000, now: NOW, lockStaleMs: MIN_STALE_MS } satisfies ChildCommand);
      const killed = new Promise((resolve) => holder.once('exit', (_code, signal) => resolve(signal)));
      holder.kill('SIGKILL');
      expect(await killed).toBe('SIGKILL');

      expect(await claimed).toEqual({ won: true });
      expect((await new FileStore({ dir }).read(KEY))?.lease).toEqual({ holder: 'waiter', until: NOW + 30_000 });
      expect(await fs.readdir(dir)).toEqual([`${KEY}.json`]);
    } finally {
      for (const child of [holder, waiter]) if (child.exitCode === null && child.signalCode === null) child.kill();
    }
  });

  it('a live holder in another process keeps its lock (heartbeat): a claim gives up with a TokenStoreError', async () => {
    const dir = tempDir();
    const holder = fork(childScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      await once(holder);
      const holding = once(holder);
      holder.send({ op: 'hold', dir, key: KEY, lockStaleMs: MIN_STALE_MS } satisfies ChildCommand);
      expect(await holding).toEqual({ holding: true });
      // The waiter tries for 2 × the stale time: the lock would have gone stale twice without the heartbeat.
      const error = await new FileStore({ dir, lockStaleMs: MIN_STALE_MS }).claim(KEY, 'waiter', NOW + 30_000, NOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect((error as TokenStoreError).message).toMatch(/stayed locked/);
      expect(await new FileStore({ dir }).read(KEY)).toBeUndefined();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('four processes × 5 concurrent gets fetch one token', async () => {
    const dir = tempDir();
    const counterFile = path.join(dir, 'fetches.log');
    const answers = await race([0, 1, 2, 3].map(() => ({ op: 'get', dir, key: KEY, concurrent: 5, counterFile })));
    const values = answers.flatMap((answer) => ('values' in answer ? answer.values : [JSON.stringify(answer)]));
    expect(values).toHaveLength(20);
    expect(new Set(values).size).toBe(1);
    expect((await fs.readFile(counterFile, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});

function once(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': a child's last message may be delivered after its 'exit' event.
    const onClose = (code: number | null) => reject(new Error(`child exited with ${code} before answering`));
    child.once('close', onClose);
    child.once('message', (message) => {
      child.off('close', onClose);
      resolve(message);
    });
  });
}
