import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LocalCloud } from '@wxhub/local-cloud';
import { REPO_ROOT } from '@wxhub/test-support';

const app = { name: 'A', appid: 'wxa0000000000000a1', secret: 'crash-test-secret', envId: 'crash-env' };

/** Runs the writer until it has acknowledged `stopAfter` writes, then kills it with SIGKILL. */
async function writeThenKill(dataDir: string, stopAfter: number): Promise<number> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '..', 'fixtures', 'crash-writer', 'index.ts'), dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let acknowledged = -1;
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^ack (\d+)$/.exec(line);
    if (match) acknowledged = Number(match[1]);
    if (acknowledged >= stopAfter) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  return acknowledged;
}

describe('the local cloud killed hard and restarted on its data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wxhub-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged document and file', async () => {
    const lastAck = await writeThenKill(dataDir, 27);
    const cloud = await LocalCloud.start({ apps: [app], dataDir });
    try {
      const orders = cloud.backend.database(app.envId).find('orders');
      const ids = new Set(orders.map((order) => order._id));
      for (let i = 0; i <= lastAck; i++) expect(ids.has(`order-${i}`)).toBe(true);
      // At most the one write in flight when the process died may have landed unacknowledged.
      expect(orders.length).toBeLessThanOrEqual(lastAck + 2);
      expect(orders.every((order) => order.at instanceof Date)).toBe(true);
      for (let i = 0; i <= lastAck; i += 5) {
        const file = cloud.storage.read(cloud.storage.fileId(app.envId, `receipts/${i}.txt`));
        expect(file?.content.toString()).toBe(`receipt ${i}`);
      }
    } finally {
      await cloud.stop();
    }
  });
});
