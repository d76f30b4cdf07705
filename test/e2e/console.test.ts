import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sdkProcessEnv } from '@wxhub/local-cloud';
import { runDemoFlow, startConsoleSession, type ConsoleSession } from '@wxhub/test-support';

type WxServerSdk = typeof import('wx-server-sdk');

/** Where to save a screenshot of each view (scripts/console-screenshots.mjs sets it), or none. */
const SCREENSHOTS = process.env.WXHUB_CONSOLE_SCREENSHOTS;

/**
 * The console in a real browser (Debian's chromium, headless, through playwright-core) against
 * the project's dev server after the demo flow. Every wait is for a condition on the page or the
 * server, never for time.
 */
describe('the local cloud console in chromium', () => {
  let session: ConsoleSession;
  let sdk: WxServerSdk;
  let envA: string;
  let envB: string;
  const streamed: string[] = [];
  let stopStream: AbortController;

  const open = async (view: string) => {
    await session.page.goto(`${session.server.urls.console}#${view}`);
    await session.page.locator('h2#view-title').waitFor();
  };
  /** A user's `_id` in A's users, found by the openid users_add stores with it. */
  const userId = (openid: string) => session.server.cloud.backend.database(envA).find('users', { openid })[0]?._id;
  const pickEnv = async (envId: string) => {
    await session.page.getByLabel('环境').selectOption(envId);
  };

  beforeAll(async () => {
    session = await startConsoleSession();
    await runDemoFlow(session.server);
    const { apps } = session.server.project.config;
    envA = apps.A!.envId;
    envB = apps.B!.envId;
    // The SDK as a function of A would use it: pointed at this local cloud by its variables.
    Object.assign(process.env, sdkProcessEnv({ backendUrl: session.server.cloud.sdkBackendUrl, envId: envA }));
    sdk = jest.requireActual<WxServerSdk>('wx-server-sdk');
    sdk.init({ env: envA });
    // The live log stream as any client gets it, kept for the secret scan.
    stopStream = new AbortController();
    void fetch(`${session.server.urls.admin}/logs/stream`, { signal: stopStream.signal })
      .then(async (response) => {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) streamed.push(Buffer.from(chunk).toString('utf8'));
      })
      .catch(() => undefined);
  });

  afterAll(async () => {
    stopStream?.abort();
    await session?.stop();
  });

  it("shows A's users from the demo flow in the database table, labelled in Chinese", async () => {
    // What a developer would see in devtools while the console loads: nothing (no failed request, no error).
    const complaints: string[] = [];
    const complain = (message: { type(): string; text(): string }) => void (message.type() === 'error' && complaints.push(message.text()));
    const crash = (error: Error) => void complaints.push(error.message);
    session.page.on('console', complain);
    session.page.on('pageerror', crash);
    await open('database');
    expect(await session.page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await pickEnv(envA);
    await session.page.getByRole('button', { name: /^users/ }).click();
    const rows = session.page.locator('table.documents tbody tr');
    await rows.filter({ hasText: '李雷' }).waitFor();
    await rows.filter({ hasText: '王芳' }).waitFor();
    expect(await rows.count()).toBe(2);
    await session.page.getByRole('columnheader', { name: 'tel' }).waitFor();
    await session.settle();
    session.page.off('console', complain);
    session.page.off('pageerror', crash);
    expect(complaints).toEqual([]);
  });

  it('refuses a bad filter with its line and column, and filters with the query language', async () => {
    const filter = session.page.locator('textarea[name="filter"]');
    await filter.fill('{\n  age: _.gt(30) + 1\n}');
    await session.page.getByRole('button', { name: '查询' }).click();
    await session.page.getByRole('alert').filter({ hasText: 'BAD_FILTER' }).filter({ hasText: '(2:' }).waitFor();
    await filter.fill('{age: _.gt(30)}');
    await session.page.getByRole('button', { name: '查询' }).click();
    await session.page.locator('.page-info', { hasText: '共 1 条' }).waitFor();
    expect(await session.page.locator('table.documents tbody tr').allTextContents()).toEqual([expect.stringContaining('王芳')]);
    await filter.fill('');
    await session.page.getByRole('button', { name: '查询' }).click();
    await session.page.locator('.page-info', { hasText: '共 2 条' }).waitFor();
  });

  it('saves an edited document that the SDK then reads, with its date and number types', async () => {
    const lilei = String(userId('oB_demo_lilei'));
    const row = session.page.locator(`table.documents tbody tr[data-id="${lilei}"]`);
    await row.getByRole('button', { name: '编辑' }).click();
    const editor = session.page.locator('textarea[name="document"]');
    const edited = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    expect(edited.created_at).toEqual({ $date: expect.any(String) });
    await editor.fill(JSON.stringify({ ...edited, age: 29.5, name: '李雷雷' }, null, 2));
    await session.page.getByRole('button', { name: '保存' }).click();
    await session.page.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await row.filter({ hasText: '李雷雷' }).waitFor();
    const { data } = (await sdk.database().collection('users').doc(lilei).get()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({ name: '李雷雷', age: 29.5, tel: '13800138000' });
    expect(data.created_at).toBeInstanceOf(Date);
    expect((data.created_at as Date).toISOString()).toBe(new Date((edited.created_at as { $date: string }).$date).toISOString());
  });

  it('invokes a function with an event and an openid and shows its log line live', async () => {
    await open('functions');
    await pickEnv(envB);
    await session.page.locator('tr[data-function="api"]').waitFor();
    await session.page.locator('select[name="function"]').selectOption('api');
    await session.page.locator('input[name="openid"]').fill('oB_console_user');
    await session.page
      .locator('textarea[name="event"]')
      .fill(JSON.stringify({ func: 'users_add', data: { name: '控制台', age: 20, sex: 'female', tel: '13600136000' } }));
    await session.page.getByRole('button', { name: '运行' }).click();
    const result = session.page.locator('pre.result');
    await result.filter({ hasText: '成功' }).waitFor();
    const requestId = /成功 ([0-9a-f-]{36})/.exec((await result.textContent()) ?? '')?.[1];
    expect(requestId).toBeDefined();
    await session.page.locator('table.log tbody tr', { hasText: `END RequestId: ${requestId}` }).waitFor();
    // What the console invoked really ran as that user: A now holds the user.
    expect(session.server.cloud.backend.database(envA).find('users', { openid: 'oB_console_user' })).toEqual([expect.objectContaining({ name: '控制台' })]);
  });

  it('fires a timer from the console and the run is recorded', async () => {
    const before = session.server.scheduler.status().find((t) => t.functionName === 'refresh_tokens');
    await open('timers');
    const row = session.page.locator('tr[data-trigger]', { hasText: 'refresh_tokens' });
    await row
      .locator('td', { hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/ })
      .first()
      .waitFor();
    await row.getByRole('button', { name: '立即触发' }).click();
    const notice = session.page.getByRole('status').filter({ hasText: '已触发' });
    await notice.filter({ hasText: '成功' }).waitFor();
    const after = session.server.scheduler.status().find((t) => t.functionName === 'refresh_tokens');
    expect(after?.runs).toBe((before?.runs ?? 0) + 1);
    expect(after?.lastRun).toMatchObject({ manual: true, ok: true });
    expect(await notice.textContent()).toContain(after?.lastRun?.requestId);
  });

  it('arms a fault in the console that makes the next SDK call fail, then the one after succeeds', async () => {
    await open('faults');
    await session.page.locator('select[name="upstream"]').selectOption('backend');
    await session.page.locator('textarea[name="fault"]').fill(JSON.stringify({ action: 'database.getDocument', status: 503, times: 1 }));
    await session.page.getByRole('button', { name: '注入' }).click();
    await session.page.locator('table.armed tbody tr', { hasText: 'database.getDocument' }).waitFor();
    const wangfang = String(userId('oB_demo_wangfang'));
    await expect(sdk.database().collection('users').doc(wangfang).get()).rejects.toThrow();
    const { data } = (await sdk.database().collection('users').doc(wangfang).get()) as { data: Record<string, unknown> };
    expect(data.name).toBe('王芳');
    // A fault armed until cleared holds until the console clears it (a DELETE).
    await session.page.locator('textarea[name="fault"]').fill(JSON.stringify({ action: 'database.getDocument', status: 503 }));
    await session.page.getByRole('button', { name: '注入' }).click();
    await session.page.locator('table.armed tbody tr', { hasText: '直到清除' }).waitFor();
    await expect(sdk.database().collection('users').doc(wangfang).get()).rejects.toThrow();
    await session.page.getByRole('button', { name: '全部清除' }).click();
    await session.page.locator('table.armed tbody tr', { hasText: '无' }).waitFor();
    await expect(sdk.database().collection('users').doc(wangfang).get()).resolves.toMatchObject({ data: { name: '王芳' } });
  });

  it('uploads a file that shows in storage, and its temp URL serves it', async () => {
    await open('storage');
    await pickEnv(envB);
    const content = `console upload ${process.pid}\n你好`;
    await session.page.locator('input[name="upload"]').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
    const row = session.page.locator('tr[data-file="hello.txt"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('text/plain');
    await row.getByRole('button', { name: '临时链接' }).click();
    const link = session.page.locator('.temp-url a');
    await link.waitFor();
    const served = await fetch((await link.getAttribute('href')) ?? '');
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(content);
    // Another file, deleted after the in-page confirmation (a DELETE); hello.txt stays.
    await session.page.locator('input[name="upload"]').setInputFiles({ name: 'scratch.txt', mimeType: 'text/plain', buffer: Buffer.from('scratch') });
    const scratch = session.page.locator('tr[data-file="scratch.txt"]');
    await scratch.getByRole('button', { name: '删除' }).click();
    await session.page.getByRole('alertdialog').getByRole('button', { name: '确定' }).click();
    await scratch.waitFor({ state: 'detached' });
    await row.waitFor();
  });

  it('switches to English and back', async () => {
    await open('tokens');
    await session.page.getByRole('button', { name: 'English' }).click();
    await session.page.locator('h2#view-title', { hasText: 'Tokens' }).waitFor();
    expect(await session.page.locator('html').getAttribute('lang')).toBe('en');
    await session.page.getByRole('button', { name: '中文' }).click();
    await session.page.locator('h2#view-title', { hasText: '访问令牌' }).waitFor();
  });

  it('is usable by keyboard: the arrow keys move between views', async () => {
    await open('database');
    await session.page.locator('#tab-database').focus();
    await session.page.keyboard.press('ArrowRight');
    await session.page.locator('h2#view-title', { hasText: '存储' }).waitFor();
    expect(await session.page.evaluate('document.activeElement?.id')).toBe('tab-storage');
    await session.page.keyboard.press('Alt+6');
    await session.page.locator('h2#view-title', { hasText: '故障注入' }).waitFor();
  });

  it('adds a document and deletes it only after confirming', async () => {
    await open('database');
    await pickEnv(envA);
    await session.page.getByPlaceholder('新建集合').fill('console_scratch');
    await session.page.getByRole('button', { name: '创建' }).click();
    await session.page.getByRole('button', { name: /^console_scratch\s/ }).waitFor();
    await session.page.getByRole('button', { name: /^console_scratch\s/ }).click();
    await session.page.getByRole('button', { name: '添加记录' }).click();
    await session.page
      .locator('textarea[name="document"]')
      .fill(JSON.stringify({ _id: 'console_added', name: '临时', born: { $date: '2000-01-02T03:04:05Z' } }));
    await session.page.getByRole('button', { name: '保存' }).click();
    const row = session.page.locator('table.documents tbody tr[data-id="console_added"]');
    await row.waitFor();
    expect(session.server.cloud.backend.database(envA).find('console_scratch', { _id: 'console_added' })[0]?.born).toEqual(new Date('2000-01-02T03:04:05Z'));
    await row.getByRole('button', { name: '删除' }).click();
    const dialog = session.page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(session.server.cloud.backend.database(envA).count('console_scratch', { _id: 'console_added' })).toBe(1);
    await row.getByRole('button', { name: '删除' }).click();
    await session.page.getByRole('alertdialog').getByRole('button', { name: '确定' }).click();
    await row.waitFor({ state: 'detached' });
    expect(session.server.cloud.backend.database(envA).count('console_scratch', { _id: 'console_added' })).toBe(0);
    // Dropping the collection is a DELETE too, after the same confirmation.
    await session.page.getByRole('button', { name: '删除集合' }).click();
    await session.page.getByRole('alertdialog').getByRole('button', { name: '确定' }).click();
    await session.page.getByRole('button', { name: /^console_scratch\s/ }).waitFor({ state: 'detached' });
    expect(session.server.cloud.backend.database(envA).hasCollection('console_scratch')).toBe(false);
  });

  it('never shows a token or a secret: every page and every response scanned', async () => {
    const { cloud, project } = session.server;
    const pages: string[] = [];
    const shoot = async (view: string) => {
      pages.push(await session.page.content());
      if (!SCREENSHOTS) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await session.page.screenshot({ path: join(SCREENSHOTS, `${view}.png`), fullPage: true });
    };
    // Where the tokens live: B's token cache and setconfig, shown as the database view shows them.
    await open('database');
    await pickEnv(envB);
    for (const collection of ['token', 'setconfig']) {
      await session.page.getByRole('button', { name: new RegExp(`^${collection}`) }).click();
      await session.page.locator('table.documents tbody tr').first().waitFor();
      pages.push(await session.page.content());
    }
    await pickEnv(envA);
    await session.page.getByRole('button', { name: /^users/ }).click();
    await session.page.locator('table.documents tbody tr', { hasText: '王芳' }).waitFor();
    await shoot('database');
    await open('storage');
    await pickEnv(envB);
    await session.page.locator('tr[data-file="hello.txt"]').getByRole('button', { name: '预览' }).click();
    await session.page.locator('.preview pre', { hasText: '你好' }).waitFor();
    await shoot('storage');
    await open('functions');
    await pickEnv(envB);
    await session.page.locator('select[name="function"]').selectOption('token_status');
    await session.page.locator('input[name="openid"]').fill('oB_demo_lilei');
    await session.page.getByRole('button', { name: '运行' }).click();
    await session.page.locator('table.log tbody tr', { hasText: 'END RequestId' }).waitFor();
    await shoot('functions');
    await open('timers');
    await session.page.locator('tr[data-trigger] td.last-run', { hasText: '成功' }).first().waitFor();
    await shoot('timers');
    await open('tokens');
    await session.page.locator('table.setconfig tbody tr').first().waitFor();
    await shoot('tokens');
    await open('faults');
    await session.page.locator('select[name="upstream"]').selectOption('wechat');
    await session.page.getByRole('button', { name: '注入' }).click();
    await session.page.locator('table.armed tbody tr', { hasText: '/cgi-bin/token' }).waitFor();
    await shoot('faults');
    await session.settle();
    const secrets = [
      ...Object.values(project.config.apps).map((app) => app.secret),
      ...Object.values(project.config.baiduClients).flatMap((client) => [client.clientSecret ?? '', client.clientId]),
      ...cloud.wechat.tokenValues(),
      ...cloud.baidu.tokenValues(),
    ].filter((value) => value.length >= 8);
    // The demo flow issued tokens and stored them (B's token and setconfig collections): the scan has something to find.
    expect(cloud.wechat.tokenValues().length).toBeGreaterThan(0);
    expect(cloud.baidu.tokenValues().length).toBeGreaterThan(0);
    expect(session.responses.length).toBeGreaterThan(20);
    const texts = [
      ...pages.map((text, i) => ({ where: `page ${i + 1}`, text })),
      ...session.responses.map((r) => ({ where: r.url, text: r.text })),
      { where: 'the live log stream', text: streamed.join('') },
    ];
    expect(streamed.join('')).toContain('event: log');
    // Named by where they leaked (never printed: a failure must not put the secret in the test log).
    const leaks = secrets.flatMap((secret, i) => texts.filter((entry) => entry.text.includes(secret)).map((entry) => `secret #${i} in ${entry.where}`));
    expect(leaks).toEqual([]);
  });
});
