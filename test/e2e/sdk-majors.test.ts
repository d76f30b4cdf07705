import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWechatProjectCloud, type WechatProjectCloud } from '@wxhub/local-cloud';
import { REPO_ROOT, testedNodeRuntimes } from '@wxhub/test-support';

// Real projects pin every wx-server-sdk major: 0.8 and 1.8 (tcb-admin-node, fixed hosts, the old
// database actions), 2.x and 3.x (@cloudbase/node-sdk 2), 4.x. test/fixtures/sdk-majors has one
// function per major (its package.json pins the major), each the same code: major-function.js,
// written into each function folder as its index.js when the project is copied; their dependencies are installed from the npm registry
// by wxhub's own installer (npm install --omit=dev in each folder), once per fixture content:
// the project is kept in a cache folder named by the hash of its files. Every function runs on
// WeChat's two Node runtimes (16.13 and 18.15), each in a local cloud of its own.

jest.setTimeout(600_000);

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'sdk-majors');
const ENV = 'majors-env-1';
const MAJORS = [
  ['sdk08', '0.8.1'],
  ['sdk18', '1.8.3'],
  ['sdk26', '2.6.3'],
  ['sdk30', '3.0.4'],
  ['sdk40', '4.0.2'],
] as const;

function fixtureHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'package-lock.json') continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(full.slice(dir.length)).update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/** What each function's aggregate ($match + $group + $sort over its own three scores) answers. */
const GROUPS = ['a=4', 'b=2'];
/** What its transactions leave: runTransaction read 10 and wrote 7 and a log; the rollback kept both; the committed remove took the log. */
const TRANSACTIONS = { before: 10, balance: 7, note: 'moved 3', left: 1 };
/** wx-server-sdk 0.8.1 (@cloudbase/database 0.1.1) has no transactions in its API. */
const HAS_TRANSACTIONS: Readonly<Record<string, boolean>> = { sdk08: false };

const WECHAT_RUNTIMES = testedNodeRuntimes().filter(({ version }) => /^(16\.13|18\.15)\./.test(version));

describe.each(WECHAT_RUNTIMES)('on Node $version', ({ binary }) => {
  let project: WechatProjectCloud;
  const installs: Array<{ name: string; status: string; message?: string }> = [];

  beforeAll(async () => {
    const copy = join(tmpdir(), 'wxhub-sdk-majors', fixtureHash(FIXTURE));
    if (!existsSync(copy)) {
      mkdirSync(copy, { recursive: true });
      cpSync(FIXTURE, copy, { recursive: true });
      // Each function folder stands alone on WeChat, so each gets its own copy of the one source.
      for (const [name] of MAJORS) copyFileSync(join(FIXTURE, 'major-function.js'), join(copy, 'cloudfunctions', name, 'index.js'));
    }
    project = await startWechatProjectCloud({
      projects: [copy],
      port: 0,
      runtime: { idleCheckIntervalMs: 0 },
      nodeBinaries: { local: binary },
      onInstall: (_app, outcome) =>
        installs.push({ name: outcome.functionName, status: outcome.status, ...(outcome.message ? { message: outcome.message } : {}) }),
    });
  });

  afterAll(async () => {
    await project?.cloud.stop();
  });

  it('installs each function’s pinned SDK (or finds it installed from an earlier run)', () => {
    for (const name of [...MAJORS.map(([fn]) => fn), 'tcbadmin'])
      expect(installs.find((install) => install.name === name)).toMatchObject({ status: expect.stringMatching(/^(installed|cached|present)$/) });
  });

  describe.each(MAJORS)('a function on wx-server-sdk %s (%s), unchanged', (name, version) => {
    it('uses the database (aggregate, transactions), callFunction, storage and openapi', async () => {
      const { result } = await project.cloud.functions.invoke({ envId: ENV, name, event: { text: 'hello' } });
      expect(result).toMatchObject({
        sdk: version,
        n: 3,
        atIsDate: true,
        at: 1700000000000,
        found: 1,
        total: 1,
        removed: 0,
        echoed: version,
        fileID: expect.stringMatching(new RegExp(`^cloud://${ENV}\\.[0-9a-f]+-${ENV}/majors/${version.replace(/\./g, '\\.')}\\.txt$`)),
        verdict: 0,
        groups: GROUPS,
        txn: HAS_TRANSACTIONS[name] === false ? null : TRANSACTIONS,
      });
      const { url } = result as { url: string };
      expect(await (await fetch(url)).text()).toBe(`hello from ${version}`);
      expect(project.cloud.backend.database(ENV).find('items', { sdk: version })).toEqual([
        expect.objectContaining({ sdk: version, n: 3, at: new Date(1700000000000) }),
      ]);
      expect(project.cloud.openapi.calls(ENV, 'security.msgSecCheck').filter((call) => call.functionName === name)).toHaveLength(1);
      if (HAS_TRANSACTIONS[name] !== false)
        expect(project.cloud.backend.database(ENV).find('accounts', { sdk: version })).toEqual([expect.objectContaining({ sdk: version, balance: 7 })]);
    });
  });

  it('a function on tcb-admin-node 1.23 directly, unchanged: database (aggregate, transactions), callFunction, storage', async () => {
    const { result } = await project.cloud.functions.invoke({ envId: ENV, name: 'tcbadmin', event: {} });
    const sdk = 'tcb-admin-node@1.23.0';
    expect(result).toMatchObject({
      sdk,
      n: 3,
      groups: GROUPS,
      txn: TRANSACTIONS,
      echoed: sdk,
      fileID: expect.stringMatching(new RegExp(`^cloud://${ENV}\\.[0-9a-f]+-${ENV}/majors/tcb-admin-node\\.txt$`)),
    });
    expect(await (await fetch((result as { url: string }).url)).text()).toBe(`hello from ${sdk}`);
  });
});
