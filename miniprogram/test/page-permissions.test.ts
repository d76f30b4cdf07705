import { planPermissions, type ProjectConfig } from '@wxhub/project-config';
import { change, openPage, simulatedWx, tap, textOf, type, until, type SimulatedPage } from './support/simulate';
import { startMiniProgram, type MiniProgramUnderTest } from './support/mini-program';

/**
 * What B's pages may read and write directly (`wx.cloud.database()`, the same shim as
 * callFunction), under the permissions the project configuration records for B's environment.
 */
const X = 'oB_page_user_X';
const Y = 'oB_page_user_Y';

interface PageDb {
  collection(name: string): {
    get(): Promise<{ data: Array<Record<string, unknown>> }>;
    limit(n: number): { get(): Promise<{ data: Array<Record<string, unknown>> }> };
    where(query: Record<string, unknown>): { get(): Promise<{ data: Array<Record<string, unknown>> }> };
    doc(id: string): { get(): Promise<{ data: Record<string, unknown> }> };
    add(options: { data: Record<string, unknown> }): Promise<{ _id: unknown }>;
  };
}

/** The page's `wx.cloud.database()`, exactly what page code calls. */
function pageDatabase(): PageDb {
  return (simulatedWx() as { cloud: { database(): PageDb } }).cloud.database();
}

interface RegisterPageData {
  outcome: { kind: string } | null;
  previous: { name: string } | null;
  previousRead: boolean;
}

describe("B's pages and B's collections (permissions of the configuration, through the page shim)", () => {
  let mp: MiniProgramUnderTest;
  afterEach(async () => {
    await mp.stop();
  });

  async function registerAs(page: SimulatedPage<RegisterPageData>, name: string): Promise<void> {
    type(page, '.input-name', name);
    type(page, '.input-age', '28');
    change(page, '.input-sex', 'male');
    type(page, '.input-tel', '13800138000');
    tap(page, '.submit');
    await until(page, () => page.data.outcome !== null && page.data.previous !== null, 'the outcome and the recorded registration');
  }

  it('a page of B cannot read token (A access token) or setconfig (the Baidu token): admin only', async () => {
    mp = await startMiniProgram(X);
    // A registration makes B's api store A's access token in B's `token` collection.
    await registerAs(openPage<RegisterPageData>('pages/register/index'), '李雷');
    const B = mp.project.cloud.backend.database(mp.B.envId);
    expect(B.count('token')).toBe(1);
    B.createCollection('setconfig');
    B.insert('setconfig', [{ _id: 'baidu_ocr', config_name: 'baidu_ocr', access_token: 'baidu-token-value' }]);

    const db = pageDatabase();
    for (const collection of ['token', 'setconfig']) {
      await expect(db.collection(collection).get()).rejects.toMatchObject({ errCode: -502003, errMsg: expect.stringContaining('ADMINONLY') });
      await expect(db.collection(collection).where({ _openid: '{openid}' }).get()).rejects.toMatchObject({ errCode: -502003 });
      await expect(db.collection(collection).add({ data: { access_token: 'forged' } })).rejects.toMatchObject({ errCode: -502003 });
    }
    const [stored] = B.find('token');
    await expect(db.collection('token').doc(String(stored?._id)).get()).rejects.toMatchObject({ errCode: -502003 });
    expect(B.count('token')).toBe(1);
  });

  it('with token misconfigured as "all users read" any user reads A\'s access token — and the dry run reports it', async () => {
    const misconfigure = (config: ProjectConfig): ProjectConfig => {
      const B = config.apps.B;
      if (!B?.permissions) throw new Error('the example configuration sets B.permissions');
      return {
        ...config,
        strictPermissions: false,
        apps: { ...config.apps, B: { ...B, permissions: { ...B.permissions, database: { ...B.permissions.database, token: 'READONLY' as const } } } },
      };
    };
    mp = await startMiniProgram(X, { config: misconfigure });
    await registerAs(openPage<RegisterPageData>('pages/register/index'), '李雷');
    mp.cloud.openid = Y; // another user, who never registered
    const { data } = await pageDatabase().collection('token').get();
    expect(data).toHaveLength(1);
    expect(String(data[0]?.access_token)).toMatch(/^\S{20,}$/); // A's access token, readable by anyone

    const plan = planPermissions(mp.project.config, 'B');
    expect(plan.problems).toEqual([expect.stringMatching(/^permission of collection token .* sets "READONLY", but it must be ADMINONLY/)]);
  });

  it('strict mode (the example configuration) refuses to start with a misconfigured token collection', async () => {
    await expect(
      startMiniProgram(X, {
        config: (config) => {
          const B = config.apps.B;
          if (!B?.permissions) throw new Error('no B.permissions');
          return {
            ...config,
            apps: { ...config.apps, B: { ...B, permissions: { ...B.permissions, database: { ...B.permissions.database, token: 'READONLY' } } } },
          };
        },
      }),
    ).rejects.toThrow(/token: must be ADMINONLY .* but is set to "READONLY" \(strict permissions\)/);
    mp = await startMiniProgram(X); // afterEach stops one
  });

  it('the register page reads its own record directly (creator only): X sees his registration, Y sees none', async () => {
    mp = await startMiniProgram(X);
    const first = openPage<RegisterPageData>('pages/register/index');
    await until(first, () => first.data.previousRead, 'the read of an earlier registration');
    expect(first.data.previous).toBeNull();
    await registerAs(first, '李雷');
    const stored = mp.project.cloud.backend.database(mp.B.envId).find('registrations');
    expect(stored).toEqual([expect.objectContaining({ name: '李雷', _openid: X })]);

    // X opens the page again: it reads his record from B's database, no function involved.
    const calls = mp.cloud.calls.length;
    const again = openPage<RegisterPageData>('pages/register/index');
    await until(again, () => again.data.previous !== null, "X's earlier registration");
    expect(again.data.previous).toEqual({ name: '李雷' });
    expect(textOf(again, '.previous')).toContain('李雷');
    expect(mp.cloud.calls).toHaveLength(calls);

    // Y's page finds nothing of X's: the creator-only read is scoped to Y.
    mp.cloud.openid = Y;
    const other = openPage<RegisterPageData>('pages/register/index');
    await until(other, () => other.data.previousRead, "the read of Y's earlier registration");
    const mine = await pageDatabase().collection('registrations').get();
    expect(mine.data).toEqual([]);
    expect((await pageDatabase().collection('registrations').where({ _openid: X }).get()).data).toEqual([]);
    expect(other.data.previous).toBeNull();
    expect(other.querySelector('.previous')).toBeUndefined();
    expect(textOf(other, '.first-time')).toBe('首次登记');
  });

  it('through the page shim: add stamps _openid, get returns at most 20, creator only hides other users, a non-subset query is refused whole', async () => {
    mp = await startMiniProgram(X);
    const B = mp.project.cloud.backend.database(mp.B.envId);
    B.createCollection('notes');
    mp.project.cloud.permissions.setCollection(mp.B.envId, 'notes', { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' });

    const added = await pageDatabase()
      .collection('registrations')
      .add({ data: { name: 'X' } });
    expect(B.find('registrations', { _id: added._id })).toEqual([{ _id: added._id, name: 'X', _openid: X }]);
    B.insert(
      'registrations',
      Array.from({ length: 30 }, (_, i) => ({ name: `X${i}`, _openid: X })),
    );
    B.insert('registrations', [{ _id: 'of-y', name: 'Y', _openid: Y }]);
    const own = await pageDatabase().collection('registrations').get();
    expect(own.data).toHaveLength(20);
    expect((await pageDatabase().collection('registrations').limit(50).get()).data).toHaveLength(20);
    expect(own.data.every((record) => record._openid === X)).toBe(true);
    await expect(pageDatabase().collection('registrations').doc('of-y').get()).rejects.toMatchObject({ errMsg: expect.stringContaining('does not exist') });

    B.insert('notes', [
      { _id: 'nx', _openid: X, text: 'mine' },
      { _id: 'ny', _openid: Y, text: 'theirs' },
    ]);
    await expect(pageDatabase().collection('notes').get()).rejects.toMatchObject({ errCode: -502003, errMsg: expect.stringContaining('not a subset') });
    await expect(pageDatabase().collection('notes').doc('nx').get()).rejects.toMatchObject({ errCode: -502003 });
    expect((await pageDatabase().collection('notes').where({ _openid: '{openid}' }).get()).data).toEqual([{ _id: 'nx', _openid: X, text: 'mine' }]);
  });
});
