import { CloudErrcode, requestJson } from '@wxhub/core';
import { fileIdOf } from '../src/storage';
import { assertFails, assertSucceeds, PageStorageError, rulesTestEnvironment, type RulesTestEnvironment } from '../src/testing';

const X = 'oUserX';
const Y = 'oUserY';

describe("pages' storage through the client endpoint (POST /client/storage), under the bucket's permission", () => {
  let env: RulesTestEnvironment;

  beforeEach(async () => {
    env = await rulesTestEnvironment({ permissions: { database: {}, storage: 'PRIVATE' } });
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const statuses = (result: { fileList: Array<{ status: number }> }): number[] => result.fileList.map((entry) => entry.status);

  it('PRIVATE (creator only): X uploads; Y can neither download, get a temp URL, overwrite nor delete it; X can', async () => {
    const x = env.as(X).storage();
    const y = env.as(Y).storage();
    const { fileID } = await assertSucceeds(x.uploadFile({ cloudPath: 'photos/x.png', content: 'x-bytes', contentType: 'image/png' }));
    expect(env.cloud.storage.read(fileID)).toMatchObject({ owner: X, contentType: 'image/png' });

    const refusal = await assertFails(y.downloadFile({ fileID }));
    expect(refusal.errCode).toBe(CloudErrcode.STORAGE_PERMISSION_DENIED);
    expect(refusal.errMsg).toMatch(/^cloud\.downloadFile:fail -503002 storage is PRIVATE/);
    expect(statuses(await y.getTempFileURL({ fileList: [fileID] }))).toEqual([CloudErrcode.STORAGE_PERMISSION_DENIED]);
    await assertFails(y.uploadFile({ cloudPath: 'photos/x.png', content: 'forged' }));
    expect(statuses(await y.deleteFile({ fileList: [fileID] }))).toEqual([CloudErrcode.STORAGE_PERMISSION_DENIED]);
    expect(env.cloud.storage.read(fileID)?.content.toString()).toBe('x-bytes');

    expect((await x.downloadFile({ fileID })).content.toString()).toBe('x-bytes');
    const [url] = (await x.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] })).fileList;
    expect(url).toMatchObject({ fileID, status: 0, maxAge: 60, tempFileURL: expect.stringContaining('/tcb-storage/download') });
    expect(statuses(await x.deleteFile({ fileList: [fileID] }))).toEqual([0]);
    expect(env.cloud.storage.read(fileID)).toBeUndefined();
  });

  it("READONLY (all read, creator writes): everyone reads X's file, only X overwrites or deletes it; an overwrite keeps the uploader", async () => {
    env.setStorage('READONLY');
    const x = env.as(X).storage();
    const y = env.as(Y).storage();
    const { fileID } = await x.uploadFile({ cloudPath: 'avatars/x.png', content: 'v1' });
    expect((await y.downloadFile({ fileID })).content.toString()).toBe('v1');
    expect(
      statuses(
        await env
          .unauthenticated()
          .storage()
          .getTempFileURL({ fileList: [fileID] }),
      ),
    ).toEqual([0]);
    await assertFails(y.uploadFile({ cloudPath: 'avatars/x.png', content: 'by Y' }));
    expect(statuses(await y.deleteFile({ fileList: [fileID] }))).toEqual([CloudErrcode.STORAGE_PERMISSION_DENIED]);
    await x.uploadFile({ cloudPath: 'avatars/x.png', content: 'v2' });
    expect(env.cloud.storage.read(fileID)).toMatchObject({ owner: X });
    expect((await y.downloadFile({ fileID })).content.toString()).toBe('v2');
    // Y's own new path is Y's.
    const mine = await y.uploadFile({ cloudPath: 'avatars/y.png', content: 'y' });
    expect(env.cloud.storage.read(mine.fileID)).toMatchObject({ owner: Y });
    // No user, no write: a new file needs an uploader.
    await assertFails(env.unauthenticated().storage().uploadFile({ cloudPath: 'anon.txt', content: 'a' }));
  });

  it('ADMINONLY refuses pages everything; ADMINWRITE lets pages read only; a file a function wrote has no page owner', async () => {
    const fileID = env.cloud.storage.write(env.envId, 'reports/daily.json', Buffer.from('{}'));
    env.setStorage('ADMINONLY');
    const x = env.as(X).storage();
    await assertFails(x.downloadFile({ fileID }));
    await assertFails(x.uploadFile({ cloudPath: 'new.txt', content: 'n' }));
    expect(statuses(await x.getTempFileURL({ fileList: [fileID] }))).toEqual([CloudErrcode.STORAGE_PERMISSION_DENIED]);
    expect(statuses(await x.deleteFile({ fileList: [fileID] }))).toEqual([CloudErrcode.STORAGE_PERMISSION_DENIED]);
    expect(env.cloud.storage.list(env.envId)).toEqual([fileID]);

    env.setStorage('ADMINWRITE');
    expect((await x.downloadFile({ fileID })).content.toString()).toBe('{}');
    await assertFails(x.uploadFile({ cloudPath: 'new.txt', content: 'n' }));

    env.setStorage('PRIVATE');
    await assertFails(x.downloadFile({ fileID })); // nobody's: no page is its creator
  });

  it('security rules over resource.openid and resource.path', async () => {
    env.setStorage({ read: "resource.path == 'public/banner.png' || resource.openid == auth.openid", write: 'resource.openid == auth.openid' });
    const banner = env.cloud.storage.write(env.envId, 'public/banner.png', Buffer.from('b'));
    const hidden = env.cloud.storage.write(env.envId, 'private/plan.txt', Buffer.from('p'));
    const x = env.as(X).storage();
    expect(statuses(await x.getTempFileURL({ fileList: [banner, hidden] }))).toEqual([0, CloudErrcode.STORAGE_PERMISSION_DENIED]);
    const own = await x.uploadFile({ cloudPath: 'u/x.txt', content: 'x' });
    expect((await x.downloadFile({ fileID: own.fileID })).content.toString()).toBe('x');
    await assertFails(env.as(Y).storage().downloadFile({ fileID: own.fileID }));
  });

  it('bad requests get a typed error, never a stack; missing files answer -503003 per file', async () => {
    const x = env.as(X).storage();
    const missing = fileIdOf(env.envId, 'nothing.txt');
    await expect(x.downloadFile({ fileID: 'not-a-file-id' })).rejects.toMatchObject({ errCode: CloudErrcode.INVALID_PARAMETERS });
    const removed = await x.deleteFile({ fileList: [missing] });
    expect(removed.fileList[0]).toMatchObject({ status: CloudErrcode.STORAGE_FILE_NOT_EXIST });
    await expect(x.deleteFile({ fileList: Array.from({ length: 51 }, (_, i) => `${missing}${i}`) })).rejects.toThrow(PageStorageError);
    await expect(x.uploadFile({ cloudPath: '/abs.txt', content: 'a' })).rejects.toMatchObject({ errCode: CloudErrcode.INVALID_PARAMETERS });
    const raw = await requestJson(new URL('/client/storage', env.cloud.url), {
      method: 'POST',
      json: { appid: 'wx00000000000000e1', openid: X, action: 'listFiles' },
      timeoutMs: 10_000,
    });
    expect(raw.status).toBe(400);
    expect(raw.body).toEqual({ errCode: CloudErrcode.INVALID_PARAMETERS, errMsg: expect.stringMatching(/^cloud\.storage:fail -501007 action must be/) });
    const other = await requestJson(new URL('/client/storage', env.cloud.url), {
      method: 'POST',
      json: { appid: 'wx00000000000000e1', env: 'someone-elses-env', openid: X, action: 'downloadFile', fileID: missing },
      timeoutMs: 10_000,
    });
    expect(other.status).toBe(404);
  });
});
