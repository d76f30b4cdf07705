import * as cloud from 'wx-server-sdk';
import { LocalCloud } from '../src/local-cloud';
import { applySdkEnv, sdkProcessEnv } from '../src/sdk-backend/sdk-env';
import { bucketOf } from '../src/storage/file-ids';
import { startSdkCloud, sdkCall, ENV_A, ENV_B, type SdkCloud } from './support/sdk-cloud';

// The real wx-server-sdk, required in this process, against the local cloud's storage.

let env: SdkCloud;

beforeAll(async () => {
  env = await startSdkCloud();
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
});

afterAll(() => env.stop());

beforeEach(() => {
  env.cloud.storage.clear(ENV_A);
  env.cloud.storage.clear(ENV_B);
});

/** Every byte value, so an encoding slip anywhere shows. */
const BINARY = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + 3) % 256));

interface TempFile {
  fileID: string;
  tempFileURL: string;
  status: number;
  errMsg: string;
  maxAge: number;
}

async function upload(cloudPath: string, fileContent: Buffer): Promise<string> {
  const result = await sdkCall(cloud.uploadFile({ cloudPath, fileContent }));
  return result.fileID;
}

async function tempUrls(fileList: Array<string | { fileID: string; maxAge: number }>, config?: { env: string }): Promise<TempFile[]> {
  const result = await sdkCall(cloud.getTempFileURL({ fileList, ...(config ? { config } : {}) } as Parameters<typeof cloud.getTempFileURL>[0]));
  return result.fileList as unknown as TempFile[];
}

/** How the SDK's downloadFile fetches a temp URL (encodeURI), so tests GET exactly what it would. */
async function get(url: string, method = 'GET'): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const response = await fetch(encodeURI(url), { method });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

function cosCode(xml: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(xml.toString('utf8'))?.[1];
}

describe('upload, temp URL, download, delete through the real SDK', () => {
  test('the full round trip keeps every byte and ends with the file gone', async () => {
    const fileID = await upload('docs/report.bin', BINARY);
    expect(fileID).toBe(`cloud://${ENV_A}.${bucketOf(ENV_A)}/docs/report.bin`);
    expect(env.cloud.storage.read(fileID)?.content.equals(BINARY)).toBe(true);

    const [temp] = await tempUrls([{ fileID, maxAge: 120 }]);
    expect(temp).toMatchObject({ fileID, status: 0, errMsg: 'ok', maxAge: 120 });
    const fetched = await get(temp!.tempFileURL);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(BINARY)).toBe(true);

    const downloaded = await sdkCall(cloud.downloadFile({ fileID }));
    expect(Buffer.isBuffer(downloaded.fileContent)).toBe(true);
    expect((downloaded.fileContent as Buffer).equals(BINARY)).toBe(true);

    const deleted = await sdkCall(cloud.deleteFile({ fileList: [fileID] }));
    expect(deleted.fileList).toEqual([{ fileID, status: 0, errMsg: 'ok' }]);
    expect(env.cloud.storage.read(fileID)).toBeUndefined();

    // The URL handed out before the delete now finds nothing, with COS's XML error.
    const afterDelete = await get(temp!.tempFileURL);
    expect(afterDelete.status).toBe(404);
    expect(afterDelete.headers.get('content-type')).toBe('application/xml');
    expect(cosCode(afterDelete.body)).toBe('NoSuchKey');

    const failure = await sdkCall(cloud.downloadFile({ fileID })).then(
      () => undefined,
      (error: { code?: string; errCode?: number; message: string }) => error,
    );
    expect(failure).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', errCode: -1 });
    expect(failure?.message).toMatch(/^downloadFile:fail file cloud:\/\/.+ does not exist$/);
  });

  test('paths with spaces, non-ASCII characters and plus signs survive the SDK encoding the temp URL', async () => {
    const content = Buffer.from('你好, storage', 'utf8');
    const fileID = await upload('头像/a b+c.txt', content);
    expect(fileID.endsWith('/头像/a b+c.txt')).toBe(true);
    const downloaded = await sdkCall(cloud.downloadFile({ fileID }));
    expect((downloaded.fileContent as Buffer).toString('utf8')).toBe('你好, storage');
  });

  test('uploading the same path again replaces the content', async () => {
    const fileID = await upload('same.txt', Buffer.from('first'));
    await upload('same.txt', Buffer.from('second'));
    const downloaded = await sdkCall(cloud.downloadFile({ fileID }));
    expect((downloaded.fileContent as Buffer).toString()).toBe('second');
    expect(env.cloud.storage.list(ENV_A)).toEqual([fileID]);
  });

  test('a temp URL answers HEAD with the size and type (what getFileInfo reads)', async () => {
    const fileID = env.cloud.storage.write(ENV_A, 'pics/p.png', BINARY, 'image/png');
    const [temp] = await tempUrls([fileID]);
    const head = await get(temp!.tempFileURL, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(BINARY.length));
    expect(head.headers.get('content-type')).toBe('image/png');
    expect(head.body.length).toBe(0);
  });
});

describe('per-file errors', () => {
  test('getTempFileURL reports an unknown file in its own entry and still serves the others', async () => {
    const present = env.cloud.storage.write(ENV_A, 'present.txt', Buffer.from('here'));
    const missing = `cloud://${ENV_A}.${bucketOf(ENV_A)}/missing.txt`;
    const [first, second] = await tempUrls([missing, present]);
    expect(first).toMatchObject({ fileID: missing, status: -503003, errMsg: 'storage file not exists', tempFileURL: '' });
    expect(second).toMatchObject({ fileID: present, status: 0, errMsg: 'ok' });
    expect((await get(second!.tempFileURL)).body.toString()).toBe('here');
  });

  test('deleting an unknown file reports it; a file of another environment is not reachable', async () => {
    const inB = env.cloud.storage.write(ENV_B, 'b-only.txt', Buffer.from('b'));
    const missing = `cloud://${ENV_A}.${bucketOf(ENV_A)}/never.txt`;
    const deleted = await sdkCall(cloud.deleteFile({ fileList: [missing, inB] }));
    expect(deleted.fileList).toEqual([
      { fileID: missing, status: -503003, errMsg: 'storage file not exists' },
      { fileID: inB, status: -503002, errMsg: 'storage permission denied' },
    ]);
    expect(env.cloud.storage.read(inB)?.content.toString()).toBe('b');
  });

  test('a fileID from the other environment is served when the SDK addresses that environment', async () => {
    const inB = env.cloud.storage.write(ENV_B, 'shared.txt', Buffer.from('from b'));
    const [fromA] = await tempUrls([inB]);
    expect(fromA).toMatchObject({ status: -503002 });
    const [fromB] = await tempUrls([inB], { env: ENV_B });
    expect(fromB).toMatchObject({ status: 0 });
    expect((await get(fromB!.tempFileURL)).body.toString()).toBe('from b');
  });
});

describe('temp URL lifetime and signature', () => {
  test('a temp URL works until maxAge has passed on the local cloud clock, then is refused', async () => {
    const fileID = env.cloud.storage.write(ENV_A, 'short-lived.txt', Buffer.from('soon gone'));
    const [temp] = await tempUrls([{ fileID, maxAge: 60 }]);
    env.clock.advance(59_000);
    expect((await get(temp!.tempFileURL)).status).toBe(200);
    env.clock.advance(1_000);
    const expired = await get(temp!.tempFileURL);
    expect(expired.status).toBe(403);
    expect(cosCode(expired.body)).toBe('AccessDenied');
    expect(expired.body.toString()).toContain('Request has expired');
  });

  test('changing the expiry or the file in a temp URL breaks its signature', async () => {
    const fileID = env.cloud.storage.write(ENV_A, 'signed.txt', Buffer.from('x'));
    env.cloud.storage.write(ENV_A, 'other.txt', Buffer.from('y'));
    const [temp] = await tempUrls([{ fileID, maxAge: 60 }]);
    const url = new URL(temp!.tempFileURL);
    url.searchParams.set('t', String(Number(url.searchParams.get('t')) + 3600));
    expect(cosCode((await get(url.toString())).body)).toBe('SignatureDoesNotMatch');
    const other = new URL(temp!.tempFileURL);
    other.searchParams.set('file', Buffer.from(`${ENV_A}/other.txt`).toString('base64url'));
    expect((await get(other.toString())).status).toBe(403);
  });

  test('the unsigned download_url of getUploadMetadata is refused, as a private bucket refuses it', async () => {
    const grant = env.cloud.storage.prepareUpload(ENV_A, 'private.txt');
    env.cloud.storage.write(ENV_A, 'private.txt', Buffer.from('secret'));
    const response = await get(grant.downloadUrl);
    expect(response.status).toBe(403);
    expect(cosCode(response.body)).toBe('AccessDenied');
  });
});

describe('the upload endpoint checks the credentials it issued', () => {
  function put(url: string, headers: Record<string, string>, body: Buffer): Promise<Response> {
    return fetch(url, { method: 'PUT', headers, body });
  }

  function headersOf(grant: { token: string; authorization: string; cosFileId: string }, path: string): Record<string, string> {
    return {
      Signature: grant.authorization,
      authorization: grant.authorization,
      'x-cos-security-token': grant.token,
      'x-cos-meta-fileid': grant.cosFileId,
      key: encodeURIComponent(path),
    };
  }

  test('the SDK headers store the bytes; a wrong signature, key or token is refused with XML', async () => {
    const grant = env.cloud.storage.prepareUpload(ENV_A, 'up/ok.bin');
    const good = headersOf(grant, 'up/ok.bin');

    const badSignature = await put(grant.url, { ...good, Signature: 'nope', authorization: 'nope' }, BINARY);
    expect(badSignature.status).toBe(403);
    expect(cosCode(Buffer.from(await badSignature.arrayBuffer()))).toBe('SignatureDoesNotMatch');

    const otherKey = await put(grant.url, { ...good, key: encodeURIComponent('up/elsewhere.bin') }, BINARY);
    expect(otherKey.status).toBe(403);
    expect(cosCode(Buffer.from(await otherKey.arrayBuffer()))).toBe('AccessDenied');

    const unknownToken = await put(grant.url, { ...good, 'x-cos-security-token': 'forged' }, BINARY);
    expect(unknownToken.status).toBe(403);

    const missingMeta: Record<string, string> = { ...good };
    delete missingMeta['x-cos-meta-fileid'];
    expect((await put(grant.url, missingMeta, BINARY)).status).toBe(403);
    expect(env.cloud.storage.list(ENV_A)).toEqual([]);

    const accepted = await put(grant.url, good, BINARY);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toBe('');
    expect(env.cloud.storage.read(grant.fileId)?.content.equals(BINARY)).toBe(true);
  });

  test('upload credentials expire (15 minutes of local cloud clock by default)', async () => {
    const grant = env.cloud.storage.prepareUpload(ENV_A, 'late.bin');
    env.clock.advance(15 * 60_000);
    const late = await put(grant.url, headersOf(grant, 'late.bin'), BINARY);
    expect(late.status).toBe(403);
    expect(Buffer.from(await late.arrayBuffer()).toString()).toContain('Request has expired');
    expect(env.cloud.storage.read(grant.fileId)).toBeUndefined();
  });

  test('a refused upload surfaces in the SDK as uploadFile:fail with the COS code and message', async () => {
    // A second local cloud whose upload credentials expire the moment they are issued.
    const strict = await LocalCloud.start({ apps: [env.cloud.app('A')], clock: env.clock, storage: { uploadTicketTtlSeconds: 0 } });
    const restore = applySdkEnv(sdkProcessEnv({ backendUrl: strict.sdkBackendUrl, envId: ENV_A }));
    try {
      const failure = await sdkCall(cloud.uploadFile({ cloudPath: 'never.bin', fileContent: BINARY })).then(
        () => undefined,
        (error: { code?: string; message: string }) => error,
      );
      expect(failure?.code).toBe('STORAGE_REQUEST_FAIL');
      expect(failure?.message).toBe('uploadFile:fail [AccessDenied]: Request has expired');
      expect(strict.storage.list(ENV_A)).toEqual([]);
    } finally {
      restore();
      await strict.stop();
    }
  });
});
