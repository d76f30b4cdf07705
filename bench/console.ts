/**
 * The console's figures (section 10 of `pnpm bench`; alone: `pnpm bench:console`), in Debian's
 * chromium headless through playwright-core, against a local cloud on loopback:
 *   a. first load of /console in a fresh browser context (no cache): ms until the database view
 *      shows its table, and the bytes transferred, against loading a bare admin API answer
 *      (`/admin/envs` as a page) from the same server in the same run;
 *   b. a page switch (下一页) in a 10,000-document collection: ms from the click until the new page
 *      is shown, against the same switch in a 100-document collection.
 */
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AdminApi, consoleService, consoleUrl, LocalCloud } from '@wxhub/local-cloud';
import { chromiumBinary } from '@wxhub/test-support';
import { median, table } from './lib/stats';

const APPS = [
  { name: 'A', appid: 'wxa0000000000bench', secret: 'bench-secret-A-0123456789', envId: 'bench-a' },
  { name: 'B', appid: 'wxb0000000000bench', secret: 'bench-secret-B-0123456789', envId: 'bench-b' },
];

async function loadOnce(browser: Browser, url: string, ready: (page: Page) => Promise<unknown>): Promise<{ ms: number; bytes: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  const reading: Array<Promise<void>> = [];
  page.on('response', (response) =>
    reading.push(
      response
        .body()
        .then((body) => void (bytes += body.length))
        .catch(() => undefined),
    ),
  );
  const start = performance.now();
  await page.goto(url);
  await ready(page);
  const ms = performance.now() - start;
  await Promise.all(reading);
  await context.close();
  return { ms, bytes };
}

/** Median ms of `switches` next-page clicks, each until the page counter shows the new page. */
async function pageSwitch(browser: Browser, url: string, env: string, collection: string, switches: number): Promise<number> {
  const page = await browser.newPage();
  await page.goto(`${url}#database`);
  await page.getByLabel('环境').selectOption(env);
  await page.getByRole('button', { name: new RegExp(`^${collection}\\s`) }).click();
  await page.locator('.page-info', { hasText: '第 1 /' }).waitFor();
  const samples: number[] = [];
  for (let i = 2; i <= switches + 1; i++) {
    const start = performance.now();
    await page.getByRole('button', { name: '下一页' }).click();
    await page.locator('.page-info', { hasText: `第 ${i} /` }).waitFor();
    samples.push(performance.now() - start);
  }
  await page.close();
  return median(samples);
}

export async function benchConsole(): Promise<void> {
  const loads = Number(process.env.BENCH_CONSOLE_LOADS ?? 7);
  const switches = Number(process.env.BENCH_CONSOLE_SWITCHES ?? 15);
  const cloud = await LocalCloud.start({ apps: APPS, runtime: { idleCheckIntervalMs: 0 } });
  cloud.mount(new AdminApi({ cloud }).service);
  cloud.mount(consoleService());
  const browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: ['--no-sandbox'] });
  try {
    const db = cloud.backend.database('bench-a');
    for (const [name, count] of [
      ['docs_100', 100],
      ['docs_10000', 10_000],
    ] as const) {
      db.createCollection(name);
      db.insert(
        name,
        Array.from({ length: count }, (_, i) => ({
          _id: `d${String(i).padStart(6, '0')}`,
          n: i,
          name: `用户 ${i}`,
          at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
          tags: ['a', 'b'],
        })),
      );
    }
    const url = consoleUrl(cloud.url);
    const consoleLoads: Array<{ ms: number; bytes: number }> = [];
    const bareLoads: Array<{ ms: number; bytes: number }> = [];
    // Interleaved, so drift in the machine's load touches both alike.
    for (let i = 0; i < loads; i++) {
      consoleLoads.push(await loadOnce(browser, `${url}#database`, (page) => page.locator('table.documents tbody tr').first().waitFor()));
      bareLoads.push(await loadOnce(browser, `${cloud.url}/admin/envs`, (page) => page.waitForLoadState('load')));
    }
    const consoleMs = median(consoleLoads.map((load) => load.ms));
    const bareMs = median(bareLoads.map((load) => load.ms));
    console.log(`\n10a. console first load (fresh context, no cache), median of ${loads}, chromium headless`);
    table([
      ['page', 'ms', 'bytes', 'ratio (ms)'],
      ['/admin/envs as a page (baseline)', bareMs.toFixed(1), String(median(bareLoads.map((l) => l.bytes))), '1.00'],
      ['/console until the table shows', consoleMs.toFixed(1), String(median(consoleLoads.map((l) => l.bytes))), (consoleMs / bareMs).toFixed(2)],
    ]);
    const small = await pageSwitch(browser, url, 'bench-a', 'docs_100', Math.min(switches, 4));
    const large = await pageSwitch(browser, url, 'bench-a', 'docs_10000', switches);
    console.log(`\n10b. console page switch (next page, 20 documents a page), median, until the new page shows`);
    table([
      ['collection', 'ms', 'ratio'],
      ['100 documents (baseline, 4 switches)', small.toFixed(1), '1.00'],
      [`10,000 documents (${switches} switches)`, large.toFixed(1), (large / small).toFixed(2)],
    ]);
  } finally {
    await browser.close();
    await cloud.stop();
  }
}

if (require.main === module) {
  benchConsole().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
