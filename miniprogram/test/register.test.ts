import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { change, openPage, tap, textOf, type, until, type SimulatedPage } from './support/simulate';
import { startMiniProgram, type MiniProgramUnderTest } from './support/mini-program';

interface RegisterPageData {
  submitting: boolean;
  outcome: { kind: string; text: string; field?: string } | null;
  errors: Record<string, string>;
  form: Record<string, string>;
}

const OPENID = 'oB_page_user_0001';
const user = { name: '李雷', age: '28', sex: 'male', tel: '138 0013 8000' };

describe('register page (miniprogram-simulate, B → api → A on the local cloud)', () => {
  let mp: MiniProgramUnderTest;
  const usersOfA = () => {
    const db = mp.project.cloud.backend.database(mp.A.envId);
    return db.hasCollection('users') ? db.find('users') : [];
  };

  beforeEach(async () => {
    mp = await startMiniProgram(OPENID);
  });
  afterEach(async () => {
    await mp.stop();
  });

  function fill(page: SimulatedPage<RegisterPageData>, values: typeof user): void {
    type(page, '.input-name', values.name);
    type(page, '.input-age', values.age);
    change(page, '.input-sex', values.sex);
    type(page, '.input-tel', values.tel);
  }

  async function submitAndWait(page: SimulatedPage<RegisterPageData>): Promise<void> {
    tap(page, '.submit');
    await until(page, () => page.data.outcome !== null, 'an outcome');
  }

  it('initialises wx.cloud with the configured environment of B on launch', () => {
    expect(mp.launch).toEqual({ env: mp.B.envId, traceUser: true });
  });

  it("adds the user: shows progress while waiting, then 'added', and the user is in A's database", async () => {
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, user);
    const release = mp.cloud.hold();
    const call = mp.cloud.nextCall();
    tap(page, '.submit');
    const sent = await call;
    await until(page, () => page.querySelector('.progress') !== undefined, 'the progress line');
    expect(page.data.submitting).toBe(true);
    expect(usersOfA()).toHaveLength(0);
    expect(sent).toMatchObject({
      name: 'api',
      envId: mp.B.envId,
      data: { func: 'users_add', data: { name: '李雷', age: 28, sex: 'male', tel: '13800138000' } },
    });

    release();
    await until(page, () => page.data.outcome !== null, 'an outcome');
    expect(page.data.outcome).toMatchObject({ kind: 'added' });
    expect(textOf(page, '.outcome-added')).toContain('李雷');
    expect(page.querySelector('.progress')).toBeUndefined();
    expect(page.data.submitting).toBe(false);
    const stored = usersOfA();
    expect(stored).toEqual([
      expect.objectContaining({ _id: `${mp.B.appid}:${OPENID}`, openid: OPENID, name: '李雷', age: 28, sex: 'male', tel: '13800138000' }),
    ]);
  });

  it("says 'already registered' (-2001) when this user registers twice, and stores one user", async () => {
    const first = openPage<RegisterPageData>('pages/register/index');
    fill(first, user);
    await submitAndWait(first);
    expect(first.data.outcome?.kind).toBe('added');

    const second = openPage<RegisterPageData>('pages/register/index');
    fill(second, { ...user, name: '李雷雷' });
    await submitAndWait(second);
    expect(second.data.outcome?.kind).toBe('exists');
    expect(textOf(second, '.outcome-exists')).toMatch(/已经登记/);
    expect(usersOfA()).toHaveLength(1);
    expect(mp.cloud.calls).toHaveLength(2);
  });

  it.each([
    ['tel', { tel: '12345' }, /手机号/],
    ['age', { age: '151' }, /0 到 150/],
    ['age', { age: '18.5' }, /整数/],
    ['name', { name: 'x'.repeat(33) }, /最多 32/],
    ['sex', { sex: 'robot' }, /性别/],
  ])('refuses an invalid %s before sending anything', async (field, override, message) => {
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, { ...user, ...override });
    tap(page, '.submit');
    await until(page, () => page.querySelector(`.error-${field}`) !== undefined, `the ${field} error`);
    expect(textOf(page, `.error-${field}`)).toMatch(message);
    expect(Object.keys(page.data.errors).filter((key) => page.data.errors[key])).toEqual([field]);
    expect(page.data.outcome).toBeNull();
    expect(mp.cloud.calls).toHaveLength(0);
    expect(usersOfA()).toHaveLength(0);
  });

  it('marks every missing field at once and sends nothing', async () => {
    const page = openPage<RegisterPageData>('pages/register/index');
    tap(page, '.submit');
    await until(page, () => page.querySelector('.error-tel') !== undefined, 'the field errors');
    for (const field of ['name', 'age', 'sex', 'tel']) expect(page.querySelector(`.error-${field}`)).toBeDefined();
    expect(mp.cloud.calls).toHaveLength(0);
  });

  it("says the service is down when api cannot reach A (-3001: WeChat's invokecloudfunction fails)", async () => {
    mp.project.cloud.wechat.inject({ path: '/tcb/invokecloudfunction', errcode: -1 });
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, user);
    await submitAndWait(page);
    expect(page.data.outcome?.kind).toBe('down');
    expect(textOf(page, '.outcome-down')).toMatch(/服务暂时不可用.*-3001/);
    expect(mp.cloud.calls).toHaveLength(1);
    expect(usersOfA()).toHaveLength(0);
    // The form is kept, so the user can try again.
    expect(page.data.form).toMatchObject({ name: '李雷', tel: '138 0013 8000' });
  });

  it('says the service is down when the call never reaches the cloud (network error)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    mp.cloud.failNextCall();
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, user);
    await submitAndWait(page);
    expect(page.data.outcome?.kind).toBe('down');
    expect(textOf(page, '.outcome-down')).toMatch(/网络异常/);
    expect(usersOfA()).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('network unreachable'));
    warn.mockRestore();
  });

  it('says the service is down when api crashes (the call rejects with -404011)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const crashing = mkdtempSync(join(tmpdir(), 'wxhub-crashing-api-'));
    writeFileSync(join(crashing, 'index.js'), 'exports.main = async () => { throw new RangeError("boom"); };\n');
    mp.project.cloud.functions.register({ envId: mp.B.envId, name: 'api', dir: crashing, backendUrl: mp.project.cloud.sdkBackendUrl });
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, user);
    await submitAndWait(page);
    expect(page.data.outcome?.kind).toBe('down');
    const answer = await mp.cloud.calls[0]?.done;
    expect(answer).toMatchObject({ errCode: -404011, errMsg: expect.stringContaining('cloud function service error code -504002') });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('-504002'));
    warn.mockRestore();
    rmSync(crashing, { recursive: true, force: true });
  });

  it('says the service is down when api answers its own failure (-9998: misconfigured)', async () => {
    mp.project.deploy('api', { A_APPID: '' });
    const page = openPage<RegisterPageData>('pages/register/index');
    fill(page, user);
    await submitAndWait(page);
    expect(page.data.outcome?.kind).toBe('down');
    expect(textOf(page, '.outcome-down')).toContain('-9998');
    expect(usersOfA()).toHaveLength(0);
  });
});
