import { openPage, tap, textOf, until, type SimulatedPage } from './support/simulate';
import { startMiniProgram, type MiniProgramUnderTest } from './support/mini-program';
import { formatTime } from '../utils/format-time';

interface TokenStatusPageData {
  loading: boolean;
  rows: Array<{ name: string; fresh: boolean; state: string; refreshed: string; expires: string; error: string }>;
  message: string;
}

const HOUR = 3600 * 1000;

describe('token status page (miniprogram-simulate → token_status on the local cloud)', () => {
  let mp: MiniProgramUnderTest;
  const setconfig = () => mp.project.cloud.backend.database(mp.B.envId);

  beforeEach(async () => {
    mp = await startMiniProgram('oB_page_admin_01');
  });
  afterEach(async () => {
    await mp.stop();
  });

  /** What the timer does every hour: refresh_tokens fills setconfig. */
  async function runRefreshTimer(): Promise<void> {
    await mp.project.cloud.functions.invoke({
      envId: mp.B.envId,
      name: 'refresh_tokens',
      event: { Type: 'Timer', TriggerName: 'refresh_third_party_tokens' },
      env: { TRIGGER_SRC: 'timer' },
    });
  }

  async function openLoaded(): Promise<SimulatedPage<TokenStatusPageData>> {
    const page = openPage<TokenStatusPageData>('pages/token-status/index');
    await until(page, () => !page.data.loading && mp.cloud.calls.length > 0, 'the loaded status');
    return page;
  }

  /** Everything that reached the phone: the function's answer and what the page shows. */
  async function seenByPhone(page: SimulatedPage<TokenStatusPageData>): Promise<string> {
    const answers = await Promise.all(mp.cloud.calls.map((call) => call.done));
    return `${JSON.stringify(answers)}\n${JSON.stringify(page.data)}\n${page.dom.innerHTML}`;
  }

  it('says there is no token yet before the first refresh', async () => {
    const page = await openLoaded();
    expect(page.querySelector('.empty')).not.toBeNull();
    expect(page.data.rows).toEqual([]);
    expect(mp.cloud.calls.map((call) => call.name)).toEqual(['token_status']);
  });

  it('lists each token as fresh with its refresh time, and sends no token value to the phone', async () => {
    await runRefreshTimer();
    const [stored] = setconfig().find('setconfig');
    const value = String(stored?.value);
    expect(value.length).toBeGreaterThan(20);

    const page = await openLoaded();
    expect(page.data.rows).toEqual([
      {
        name: 'baidu_ocr',
        fresh: true,
        state: '有效',
        refreshed: formatTime((stored?.refreshed_at as Date).getTime()),
        expires: formatTime(Number(stored?.expires_at)),
        error: '',
      },
    ]);
    expect(page.querySelectorAll('.token')).toHaveLength(1);
    expect(textOf(page, '.token-state')).toContain('有效');
    expect(page.querySelector('.token-error')).toBeUndefined();

    const seen = await seenByPhone(page);
    expect(seen).not.toContain(value);
    expect(seen).not.toMatch(/"value"/);
    const [answer] = await Promise.all(mp.cloud.calls.map((call) => call.done));
    expect(answer).toMatchObject({ result: { errcode: 0, data: { tokens: [expect.any(Object)] } } });
    const [token] = (answer as { result: { data: { tokens: Array<Record<string, unknown>> } } }).result.data.tokens;
    expect(Object.keys(token ?? {}).sort()).toEqual(['config_name', 'expires_at', 'fresh', 'last_error_message', 'refreshed_at']);
  });

  it('shows an expired token as not fresh, with the last refresh error, still without its value', async () => {
    await runRefreshTimer();
    const [stored] = setconfig().find('setconfig');
    const value = String(stored?.value);
    setconfig().clear('setconfig');
    setconfig().insert('setconfig', {
      ...stored,
      expires_at: Date.now() - HOUR,
      last_error: { message: `/oauth/2.0/token: Baidu OAuth error (HTTP 503, access_token=${value})`, code: 'BAIDU_API', at: new Date() },
    });

    const page = await openLoaded();
    expect(page.data.rows).toEqual([expect.objectContaining({ name: 'baidu_ocr', fresh: false, state: '已过期' })]);
    expect(page.querySelector('.token-stale')).toBeDefined();
    expect(textOf(page, '.token-error')).toContain('HTTP 503');
    expect(await seenByPhone(page)).not.toContain(value);
  });

  it('reloads on request: a refresh that happened meanwhile shows up', async () => {
    const page = await openLoaded();
    expect(page.data.rows).toEqual([]);
    await runRefreshTimer();
    tap(page, '.reload');
    await until(page, () => page.data.rows.length === 1, 'the refreshed list');
    expect(page.data.rows[0]).toMatchObject({ name: 'baidu_ocr', fresh: true });
    expect(mp.cloud.calls).toHaveLength(2);
  });

  it('says the status cannot be read when the call fails', async () => {
    mp.cloud.failNextCall();
    const page = await openLoaded();
    expect(textOf(page, '.message')).toMatch(/服务暂时不可用/);
  });
});
