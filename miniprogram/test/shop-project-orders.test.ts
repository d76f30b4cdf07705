import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWechatDevServer, startWechatDevServer, type WechatDevServer } from '@wxhub/local-cloud';
import { launchApp, REPO_ROOT } from './support/mini-program';
import { openPage, simulatedWx, tap, textOf, type, until, type SimulatedPage } from './support/simulate';
import { LocalWxCloud } from './support/wx-cloud';

/**
 * The sample project of `wxhub dev` (examples/shop-project): its "my orders" page reads the
 * database itself, through the page shim, against a `wxhub dev` server started on a copy of the
 * project — with the permissions its wxhub.dev.json records (orders: read own / write false;
 * reviews: all users read, creator writes; storage: creator only) — and the pages' storage calls
 * under each storage mode.
 */
const SAMPLE = join(REPO_ROOT, 'examples', 'shop-project');
const X = 'oShop_user_X';
const Y = 'oShop_user_Y';

interface OrdersPageData {
  orders: Array<{ _id: string; _openid: string; item: string }>;
  loaded: boolean;
  more: boolean;
  reviews: Array<{ _id: string; _openid: string; text: string }>;
  error: string;
}

interface ClientDb {
  collection(name: string): {
    limit(n: number): { get(): Promise<{ data: unknown[] }> };
    add(options: { data: Record<string, unknown> }): Promise<{ _id: unknown }>;
    doc(id: string): { update(options: { data: Record<string, unknown> }): Promise<{ stats: { updated: number } }> };
    get(): Promise<{ data: unknown[] }>;
  };
}

describe("examples/shop-project under `wxhub dev`: the orders page reads its own data directly; pages' storage", () => {
  let dir: string;
  let dev: WechatDevServer;
  let wxCloud: LocalWxCloud;
  let envId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-shop-page-'));
    cpSync(SAMPLE, dir, { recursive: true, filter: (source) => !source.includes('node_modules') });
    // No function runs here: the page reads the database itself (installs and warm instances are not needed).
    dev = await startWechatDevServer({ projects: [dir], port: 0, install: { skip: true }, prewarm: false, watch: false, triggers: { intervalMs: 0 } });
    const [project] = dev.project.projects;
    if (!project) throw new Error('the dev server loaded no project');
    envId = project.envIds[0] as string;
    const appid = (JSON.parse(readFileSync(join(dir, 'project.config.json'), 'utf8')) as { appid: string }).appid;
    wxCloud = new LocalWxCloud({ cloud: dev.cloud, appid, envIds: project.envIds }, X);
    wxCloud.install(simulatedWx());
    launchApp(join(dir, 'miniprogram'), 'pages/orders/index');
    // Orders as addOrder writes them (a function: admin rights, `_openid` of the caller): 25 of X, 2 of Y.
    const start = Date.UTC(2026, 0, 1);
    dev.cloud.backend
      .database(envId)
      .insert('orders', [
        ...Array.from({ length: 25 }, (_, i) => ({ _openid: X, item: `tea-${i}`, quantity: 1, total: 12, createdAt: new Date(start + i * 60_000) })),
        ...Array.from({ length: 2 }, (_, i) => ({ _openid: Y, item: `coffee-${i}`, quantity: 2, total: 30, createdAt: new Date(start + i * 60_000) })),
      ]);
  });

  afterAll(async () => {
    await dev?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function open(openid: string): SimulatedPage<OrdersPageData> {
    wxCloud.openid = openid;
    return openPage<OrdersPageData>('pages/orders/index', {}, join(dir, 'miniprogram'));
  }

  function pageDb(): ClientDb {
    return (simulatedWx() as { cloud: { database(): ClientDb } }).cloud.database();
  }

  it('the app launched on the environment its code names, which the dev server holds to wxhub.dev.json', () => {
    expect(wxCloud.initOptions?.env).toBe(envId);
    expect(dev.cloud.permissions.describe(envId).collections).toEqual(
      expect.arrayContaining([
        { name: 'orders', setting: { read: 'doc._openid == auth.openid', write: false } },
        { name: 'reviews', setting: 'READONLY' },
      ]),
    );
    // What `wxhub dev` prints: where pages' requests go, and the settings they are held to.
    const text = describeWechatDevServer(dev);
    expect(text).toContain(`client database  POST ${dev.urls.clientDatabase}`);
    expect(text).toContain(`client storage   POST ${dev.urls.clientStorage}`);
    expect(text).toContain(
      '  permissions orders {"read":"doc._openid == auth.openid","write":false}, reviews "READONLY", notifications "ADMINONLY"; others PRIVATE; storage "PRIVATE"',
    );
  });

  it("X sees his own orders, 20 per get (the client's maximum), the next ones on 更多订单 — never Y's", async () => {
    const page = open(X);
    await until(page, () => page.data.loaded, 'the first orders');
    expect(page.data.error).toBe('');
    expect(page.data.orders).toHaveLength(20);
    expect(page.data.more).toBe(true);
    expect(page.data.orders.every((order) => order._openid === X)).toBe(true);
    expect(page.data.orders[0]?.item).toBe('tea-24'); // newest first
    tap(page, '.more');
    await until(page, () => page.data.orders.length > 20, 'the next orders');
    expect(page.data.orders).toHaveLength(25);
    expect(page.data.more).toBe(false);
    expect(new Set(page.data.orders.map((order) => order.item)).size).toBe(25);
    expect(textOf(page, '.orders')).not.toContain('coffee');
  });

  it('Y sees only his two orders; asking beyond the rule (all orders) is refused whole; a page cannot write an order', async () => {
    const page = open(Y);
    await until(page, () => page.data.loaded, "Y's orders");
    expect(page.data.orders.map((order) => order.item).sort()).toEqual(['coffee-0', 'coffee-1']);
    expect(page.data.more).toBe(false);

    // The same request without the user's condition is not a subset of the read rule.
    await expect(pageDb().collection('orders').get()).rejects.toMatchObject({ errCode: -502003 });
    // Orders are written by addOrder only (write: false): no forged price from a page.
    await expect(
      pageDb()
        .collection('orders')
        .add({ data: { item: 'tea', quantity: 1, total: 0 } }),
    ).rejects.toMatchObject({ errCode: -502003 });
    expect(dev.cloud.backend.database(envId).count('orders')).toBe(27);
  });

  it('reviews (all users read, creator writes): the add is stamped with the writer; the other user reads it but cannot change it', async () => {
    const byX = open(X);
    await until(byX, () => byX.data.loaded, 'the page');
    type(byX, '.review-input', '好喝');
    tap(byX, '.send-review');
    await until(byX, () => byX.data.reviews.length === 1, 'the review listed');
    expect(byX.data.error).toBe('');
    const stored = dev.cloud.backend.database(envId).find('reviews');
    expect(stored).toEqual([expect.objectContaining({ text: '好喝', _openid: X })]);

    const byY = open(Y);
    await until(byY, () => byY.data.reviews.length === 1, "X's review, read by Y");
    expect(textOf(byY, '.reviews')).toContain('好喝');
    const id = String(stored[0]?._id);
    // Not Y's record: the update matches nothing (WeChat answers updated: 0 under this mode).
    await expect(
      pageDb()
        .collection('reviews')
        .doc(id)
        .update({ data: { text: '难喝' } }),
    ).resolves.toMatchObject({ stats: { updated: 0 } });
    await expect(
      pageDb()
        .collection('reviews')
        .add({ data: { text: 'as X', _openid: X } }),
    ).rejects.toMatchObject({ errCode: -502003 });
    expect(dev.cloud.backend.database(envId).find('reviews')).toEqual([expect.objectContaining({ text: '好喝', _openid: X })]);
  });

  it('a page never lists more than 20 records in one get, even when it asks for more', async () => {
    wxCloud.openid = X;
    dev.cloud.backend.database(envId).insert(
      'reviews',
      Array.from({ length: 30 }, (_, i) => ({ _openid: Y, text: `review ${i}`, createdAt: new Date(Date.UTC(2026, 1, 1) + i) })),
    );
    const { data } = await pageDb().collection('reviews').limit(100).get();
    expect(data).toHaveLength(20);
  });
  describe("the page's storage calls (wx.cloud.uploadFile, downloadFile, getTempFileURL, deleteFile) under the bucket's permission", () => {
    interface FileStatus {
      fileID: string;
      status: number;
      tempFileURL?: string;
    }
    interface PageWxCloud {
      uploadFile(options: { cloudPath: string; filePath: string }): Promise<{ fileID: string }>;
      downloadFile(options: { fileID: string }): Promise<{ tempFilePath: string }>;
      getTempFileURL(options: { fileList: string[] }): Promise<{ fileList: FileStatus[] }>;
      deleteFile(options: { fileList: string[] }): Promise<{ fileList: FileStatus[] }>;
    }
    const wxCloudOf = (openid: string): PageWxCloud => {
      wxCloud.openid = openid;
      return (simulatedWx() as { cloud: PageWxCloud }).cloud;
    };
    let files = 0;
    /** A file on the "device", as a page's filePath (from wx.chooseMedia) names one. */
    const deviceFile = (text: string): string => {
      const file = join(dir, `device-file-${++files}.txt`);
      writeFileSync(file, text);
      return file;
    };
    const statuses = (result: { fileList: FileStatus[] }): number[] => result.fileList.map((entry) => entry.status);

    afterEach(() => {
      dev.cloud.permissions.setStorage(envId, 'PRIVATE'); // what wxhub.dev.json sets
    });

    it('PRIVATE (wxhub.dev.json): a file X uploaded is not readable nor deletable by Y; X reads and deletes it', async () => {
      expect(dev.cloud.permissions.storage(envId)).toEqual({ kind: 'simple', mode: 'PRIVATE' });
      const { fileID } = await wxCloudOf(X).uploadFile({ cloudPath: 'receipts/x-1.txt', filePath: deviceFile('receipt of X') });
      expect(dev.cloud.storage.read(fileID)).toMatchObject({ owner: X });

      const asY = wxCloudOf(Y);
      await expect(asY.downloadFile({ fileID })).rejects.toMatchObject({ errCode: -503002, errMsg: expect.stringContaining('PRIVATE') });
      expect(statuses(await asY.getTempFileURL({ fileList: [fileID] }))).toEqual([-503002]);
      expect(statuses(await asY.deleteFile({ fileList: [fileID] }))).toEqual([-503002]);
      await expect(asY.uploadFile({ cloudPath: 'receipts/x-1.txt', filePath: deviceFile('forged by Y') })).rejects.toMatchObject({ errCode: -503002 });
      expect(dev.cloud.storage.read(fileID)?.content.toString()).toBe('receipt of X');

      const asX = wxCloudOf(X);
      const { tempFilePath } = await asX.downloadFile({ fileID });
      expect(readFileSync(tempFilePath, 'utf8')).toBe('receipt of X');
      const [url] = (await asX.getTempFileURL({ fileList: [fileID] })).fileList;
      expect(url).toMatchObject({ status: 0, tempFileURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
      expect(statuses(await asX.deleteFile({ fileList: [fileID] }))).toEqual([0]);
      expect(dev.cloud.storage.read(fileID)).toBeUndefined();
    });

    it("READONLY: everyone reads X's file, only X overwrites or deletes it", async () => {
      dev.cloud.permissions.setStorage(envId, 'READONLY');
      const { fileID } = await wxCloudOf(X).uploadFile({ cloudPath: 'photos/x.txt', filePath: deviceFile('photo of X') });
      const asY = wxCloudOf(Y);
      expect(readFileSync((await asY.downloadFile({ fileID })).tempFilePath, 'utf8')).toBe('photo of X');
      expect(statuses(await asY.getTempFileURL({ fileList: [fileID] }))).toEqual([0]);
      await expect(asY.uploadFile({ cloudPath: 'photos/x.txt', filePath: deviceFile('replaced by Y') })).rejects.toMatchObject({ errCode: -503002 });
      expect(statuses(await asY.deleteFile({ fileList: [fileID] }))).toEqual([-503002]);
      expect(statuses(await wxCloudOf(X).deleteFile({ fileList: [fileID] }))).toEqual([0]);
    });

    it("ADMINONLY refuses pages every storage call; the function-written report stays the functions' own", async () => {
      const report = dev.cloud.storage.write(envId, 'reports/daily.json', Buffer.from('{"orders":27}'));
      dev.cloud.permissions.setStorage(envId, 'ADMINONLY');
      const asX = wxCloudOf(X);
      await expect(asX.uploadFile({ cloudPath: 'x.txt', filePath: deviceFile('x') })).rejects.toMatchObject({ errCode: -503002 });
      await expect(asX.downloadFile({ fileID: report })).rejects.toMatchObject({ errCode: -503002 });
      expect(statuses(await asX.getTempFileURL({ fileList: [report] }))).toEqual([-503002]);
      expect(statuses(await asX.deleteFile({ fileList: [report] }))).toEqual([-503002]);
      expect(dev.cloud.storage.list(envId)).toEqual([report]);
    });
  });
});
