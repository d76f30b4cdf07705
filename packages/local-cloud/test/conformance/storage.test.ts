import * as cloud from 'wx-server-sdk';
import { ENV_A, failure, sdkCall, useConformanceCloud } from './support/conformance-cloud';

// Cloud storage through the real wx-server-sdk. Pages: 云开发 / SDK 文档 / 存储 / uploadFile,
// Cloud.getTempFileURL, downloadFile, deleteFile.

const t = useConformanceCloud();

beforeEach(() => t.env.cloud.storage.clear(ENV_A));

/** Every byte value, so an encoding slip anywhere shows. */
const CONTENT = Buffer.from(Array.from({ length: 1024 }, (_unused, i) => (i * 31 + 7) % 256));

interface TempFile {
  readonly fileID: string;
  readonly tempFileURL: string;
  readonly status: number;
  readonly errMsg: string;
  readonly maxAge?: number;
}

async function upload(cloudPath: string, fileContent: Buffer): Promise<{ fileID: string; statusCode?: number; errMsg?: string }> {
  return sdkCall(cloud.uploadFile({ cloudPath, fileContent }));
}

async function tempUrls(fileList: Array<string | { fileID: string; maxAge: number }>): Promise<TempFile[]> {
  const result = await sdkCall(cloud.getTempFileURL({ fileList } as Parameters<typeof cloud.getTempFileURL>[0]));
  return result.fileList as unknown as TempFile[];
}

/** A plain HTTP GET of a temp URL, encoded the way the SDK's downloadFile encodes it. */
async function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(encodeURI(url));
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

describe('the storage round trip', () => {
  // uploadFile → getTempFileURL → HTTP GET → downloadFile → deleteFile, every byte intact
  test('a file uploaded can be fetched by its temp URL, downloaded, and deleted', async () => {
    // uploadFile: resolves with the file's fileID
    const uploaded = await upload('reports/2026/q1.bin', CONTENT);
    expect(uploaded.fileID).toMatch(/^cloud:\/\/.+\/reports\/2026\/q1\.bin$/);

    // Cloud.getTempFileURL: "status 状态码，0 为成功; errMsg 成功为 ok"
    const [temp] = await tempUrls([{ fileID: uploaded.fileID, maxAge: 60 * 60 }]);
    expect(temp).toMatchObject({ fileID: uploaded.fileID, status: 0, errMsg: 'ok' });
    const fetched = await httpGet(temp?.tempFileURL ?? '');
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(CONTENT)).toBe(true);

    // downloadFile: fileContent is the file's content as a Buffer
    const downloaded = await sdkCall(cloud.downloadFile({ fileID: uploaded.fileID }));
    expect(Buffer.isBuffer(downloaded.fileContent)).toBe(true);
    expect((downloaded.fileContent as Buffer).equals(CONTENT)).toBe(true);

    // deleteFile: one entry per file, "status 状态码，0 为成功"
    const deleted = await sdkCall(cloud.deleteFile({ fileList: [uploaded.fileID] }));
    expect(deleted.fileList).toEqual([{ fileID: uploaded.fileID, status: 0, errMsg: 'ok' }]);

    // Once deleted, the file is gone for downloadFile too (errMsg "downloadFile:fail ...").
    const error = await failure(cloud.downloadFile({ fileID: uploaded.fileID }));
    expect(error.errMsg).toMatch(/^downloadFile:fail /);
  });

  // uploadFile: "将本地资源上传至云存储空间，如果上传至同一路径则是覆盖"
  test('uploading to the same path again overwrites the file under the same fileID', async () => {
    const first = await upload('avatar.png', Buffer.from('first version'));
    const second = await upload('avatar.png', Buffer.from('second version'));
    expect(second.fileID).toBe(first.fileID);
    const downloaded = await sdkCall(cloud.downloadFile({ fileID: first.fileID }));
    expect((downloaded.fileContent as Buffer).toString('utf8')).toBe('second version');
  });

  // Cloud.getTempFileURL takes plain fileIDs as well as {fileID, maxAge}; each gets its own entry
  test('getTempFileURL answers one entry per file, in order, for plain fileIDs', async () => {
    const a = await upload('a.txt', Buffer.from('A'));
    const b = await upload('b.txt', Buffer.from('B'));
    const list = await tempUrls([b.fileID, a.fileID]);
    expect(list.map((entry) => [entry.fileID, entry.status, entry.errMsg])).toEqual([
      [b.fileID, 0, 'ok'],
      [a.fileID, 0, 'ok'],
    ]);
    expect((await httpGet(list[0]?.tempFileURL ?? '')).body.toString()).toBe('B');
    expect((await httpGet(list[1]?.tempFileURL ?? '')).body.toString()).toBe('A');
  });

  // Cloud.getTempFileURL / deleteFile: a file that does not exist fails in its own entry
  // (status not 0), the call itself succeeds and the other entries are served
  test('a missing file gets a non-zero status in its own entry while the others succeed', async () => {
    const present = await upload('present.txt', Buffer.from('here'));
    const missing = present.fileID.replace(/present\.txt$/, 'absent.txt');
    const [absentUrl, presentUrl] = await tempUrls([missing, present.fileID]);
    expect(absentUrl?.status).not.toBe(0);
    expect(presentUrl).toMatchObject({ fileID: present.fileID, status: 0, errMsg: 'ok' });
    const deleted = await sdkCall(cloud.deleteFile({ fileList: [missing, present.fileID] }));
    const [absentDelete, presentDelete] = deleted.fileList as unknown as TempFile[];
    expect(absentDelete?.status).not.toBe(0);
    expect(presentDelete).toEqual({ fileID: present.fileID, status: 0, errMsg: 'ok' });
  });
});

describe('getTempFileURL limits', () => {
  // Cloud.getTempFileURL: "fileList ... 一次最多取 50 个" — more is refused, not served.
  test('at most 50 files per call', async () => {
    const ids = Array.from({ length: 51 }, (_unused, i) => `cloud://${ENV_A}.0000-${ENV_A}/f${i}.txt`);
    const refused = await failure(cloud.getTempFileURL({ fileList: ids }));
    expect(refused.message).toMatch(/at most 50/);
    const fifty = await tempUrls(ids.slice(0, 50));
    expect(fifty).toHaveLength(50);
  });
});
