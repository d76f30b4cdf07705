import { buildUrl, ManualClock, requestJson } from '@wxhub/core';
import { LocalCloud } from '../src/local-cloud';
import { bucketOf } from '../src/storage/file-ids';

// WeChat's HTTP API for cloud storage (tcb/uploadfile, batchdownloadfile, batchdeletefile), as a
// server outside WeChat's cloud uses it: a token from cgi-bin/token, JSON calls, a form upload.

const A = { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: 'a-env-1a2b3c' };
const B = { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: 'b-env-4d5e6f' };
const CONTENT = Buffer.from(Array.from({ length: 300 }, (_, i) => (255 - i) % 256));

let cloud: LocalCloud;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 8));
  cloud = await LocalCloud.start({ apps: [A, B], clock });
});

afterAll(() => cloud.stop());

beforeEach(() => {
  cloud.storage.clear(A.envId);
  cloud.storage.clear(B.envId);
});

async function tokenOf(app: typeof A): Promise<string> {
  const { body } = await requestJson(
    buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret }),
  );
  return (body as { access_token: string }).access_token;
}

async function tcb(api: string, json: unknown, token?: string): Promise<Record<string, unknown>> {
  const { body } = await requestJson(buildUrl(cloud.wechatApiBase, `/tcb/${api}`, { access_token: token ?? (await tokenOf(A)) }), { method: 'POST', json });
  return body as Record<string, unknown>;
}

interface UploadAnswer {
  errcode: number;
  url: string;
  token: string;
  authorization: string;
  file_id: string;
  cos_file_id: string;
}

/** The form upload WeChat documents: key, Signature, x-cos-security-token, x-cos-meta-fileid, file (last). */
async function postForm(answer: UploadAnswer, path: string, content: Buffer, overrides: Record<string, string> = {}): Promise<Response> {
  const fields: Record<string, string> = {
    key: path,
    Signature: answer.authorization,
    'x-cos-security-token': answer.token,
    'x-cos-meta-fileid': answer.cos_file_id,
    ...overrides,
  };
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([content]), 'upload.bin');
  return fetch(answer.url, { method: 'POST', body: form });
}

describe('upload, download links, delete', () => {
  test('uploadfile + form POST stores the bytes; batchdownloadfile links serve them; batchdeletefile removes them', async () => {
    const token = await tokenOf(A);
    const answer = (await tcb('uploadfile', { env: A.envId, path: 'reports/2026.bin' }, token)) as unknown as UploadAnswer;
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', file_id: `cloud://${A.envId}.${bucketOf(A.envId)}/reports/2026.bin` });
    expect(answer.url.startsWith(cloud.url)).toBe(true);

    const uploaded = await postForm(answer, 'reports/2026.bin', CONTENT);
    expect(uploaded.status).toBe(204);
    expect(cloud.storage.read(answer.file_id)?.content.equals(CONTENT)).toBe(true);

    const missing = `cloud://${A.envId}.${bucketOf(A.envId)}/nothing-here.bin`;
    const links = await tcb(
      'batchdownloadfile',
      {
        env: A.envId,
        file_list: [
          { fileid: answer.file_id, max_age: 7200 },
          { fileid: missing, max_age: 60 },
        ],
      },
      token,
    );
    expect(links).toMatchObject({ errcode: 0, errmsg: 'ok' });
    const [link, absent] = links.file_list as Array<{ fileid: string; download_url: string; status: number; errmsg: string }>;
    expect(link).toMatchObject({ fileid: answer.file_id, status: 0, errmsg: 'ok' });
    expect(absent).toEqual({ fileid: missing, download_url: '', status: -503003, errmsg: 'storage file not exists' });
    const served = await fetch(link!.download_url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(CONTENT)).toBe(true);

    const deleted = await tcb('batchdeletefile', { env: A.envId, fileid_list: [answer.file_id] }, token);
    expect(deleted).toEqual({ errcode: 0, errmsg: 'ok', delete_list: [{ fileid: answer.file_id, status: 0, errmsg: 'ok' }] });
    expect(cloud.storage.read(answer.file_id)).toBeUndefined();
    const again = await tcb('batchdeletefile', { env: A.envId, fileid_list: [answer.file_id] }, token);
    expect(again.delete_list).toEqual([{ fileid: answer.file_id, status: -503003, errmsg: 'storage file not exists' }]);
    expect((await fetch(link!.download_url)).status).toBe(404);
  });

  test('a download link expires after max_age on the local cloud clock', async () => {
    const fileId = cloud.storage.write(A.envId, 'ttl.txt', Buffer.from('ttl'));
    const links = await tcb('batchdownloadfile', { env: A.envId, file_list: [{ fileid: fileId, max_age: 30 }] });
    const [link] = links.file_list as Array<{ download_url: string }>;
    clock.advance(29_000);
    expect((await fetch(link!.download_url)).status).toBe(200);
    clock.advance(1_000);
    const expired = await fetch(link!.download_url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
  });

  test('the form upload is refused when its key, signature or fileid meta is not the issued one', async () => {
    const answer = (await tcb('uploadfile', { env: A.envId, path: 'guarded.bin' })) as unknown as UploadAnswer;
    const wrongKey = await postForm(answer, 'guarded.bin', CONTENT, { key: 'elsewhere.bin' });
    expect(wrongKey.status).toBe(403);
    expect(await wrongKey.text()).toContain('<Code>AccessDenied</Code>');
    const wrongSignature = await postForm(answer, 'guarded.bin', CONTENT, { Signature: 'forged' });
    expect(wrongSignature.status).toBe(403);
    expect(await wrongSignature.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const wrongMeta = await postForm(answer, 'guarded.bin', CONTENT, { 'x-cos-meta-fileid': 'other' });
    expect(wrongMeta.status).toBe(403);
    const noFile = new FormData();
    noFile.append('key', 'guarded.bin');
    const withoutFile = await fetch(answer.url, { method: 'POST', body: noFile });
    expect(withoutFile.status).toBe(400);
    expect(await withoutFile.text()).toContain('<Code>InvalidArgument</Code>');
    expect(cloud.storage.list(A.envId)).toEqual([]);
  });
});

describe("WeChat's refusals", () => {
  test('token, method and body errors, as for every tcb API', async () => {
    const noToken = await requestJson(buildUrl(cloud.wechatApiBase, '/tcb/uploadfile'), { method: 'POST', json: { env: A.envId, path: 'x' } });
    expect(noToken.body).toMatchObject({ errcode: 41001 });
    const token = await tokenOf(A);
    const get = await requestJson(buildUrl(cloud.wechatApiBase, '/tcb/batchdownloadfile', { access_token: token }));
    expect(get.body).toMatchObject({ errcode: 43002 });
    const empty = await requestJson(buildUrl(cloud.wechatApiBase, '/tcb/batchdeletefile', { access_token: token }), { method: 'POST' });
    expect(empty.body).toMatchObject({ errcode: 44002 });
    expect(await tcb('uploadfile', { env: A.envId }, token)).toMatchObject({ errcode: 40101 });
    expect(await tcb('batchdownloadfile', { env: A.envId, file_list: 'x' }, token)).toMatchObject({ errcode: 40097 });
    expect(await tcb('batchdeletefile', { env: A.envId, fileid_list: [1] }, token)).toMatchObject({ errcode: 40097 });
  });

  test("one app's token cannot reach another app's environment", async () => {
    const fileId = cloud.storage.write(B.envId, 'b.txt', Buffer.from('b'));
    const answer = await tcb('batchdeletefile', { env: B.envId, fileid_list: [fileId] }, await tokenOf(A));
    expect(answer).toMatchObject({ errcode: -501000 });
    expect(String(answer.errmsg)).toMatch(/^Environment invalid/);
    expect(cloud.storage.read(fileId)).toBeDefined();
  });

  test('the storage APIs share the WeChat fault plan', async () => {
    cloud.wechat.inject({ path: '/tcb/uploadfile', errcode: -1, times: 1 });
    expect(await tcb('uploadfile', { env: A.envId, path: 'x' })).toMatchObject({ errcode: -1 });
    expect(await tcb('uploadfile', { env: A.envId, path: 'x' })).toMatchObject({ errcode: 0 });
  });
});
