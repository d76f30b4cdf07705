import type { Handler } from '../http/router';
import type { CloudStorage } from '../storage/cloud-storage';
import { parseFileId } from '../storage/file-ids';
import { STORAGE_DOWNLOAD_PATH } from './contract';
import { AdminFailure, adminRoute, badRequest, isObject, required } from './admin-route';

/** Largest upload through the console (the body is base64 inside JSON). */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** The console's storage routes: list, upload, download, delete, temp URLs. */
export function storageRoutes(storage: CloudStorage) {
  const knownEnv = (env: string | AdminFailure): string | AdminFailure =>
    env instanceof AdminFailure || storage.envIds.includes(env) ? env : new AdminFailure(404, 'NO_ENV', `no environment ${env}`);

  const download: Handler = (request) => {
    const fileId = request.query.get('fileId') ?? '';
    const file = parseFileId(fileId) ? storage.read(fileId) : undefined;
    if (!file) return new AdminFailure(404, 'NO_FILE', `no file ${fileId}`).reply();
    const name = file.path.split('/').pop() ?? 'file';
    return {
      headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` },
      body: file.content,
    };
  };

  return [
    adminRoute('GET /storage', ({ query }) => {
      const env = knownEnv(required(query, 'env'));
      if (env instanceof AdminFailure) return env;
      const files = storage.list(env).flatMap((fileId) => {
        const file = storage.read(fileId);
        return file
          ? [{ fileId, path: file.path, size: file.content.length, contentType: file.contentType, uploadedAt: new Date(file.uploadedAt).toISOString() }]
          : [];
      });
      return { env, files };
    }),
    adminRoute(
      'POST /storage',
      ({ body }) => {
        if (!isObject(body) || typeof body.env !== 'string' || typeof body.path !== 'string' || typeof body.contentBase64 !== 'string') {
          return badRequest('the body needs env, path and contentBase64');
        }
        const env = knownEnv(body.env);
        if (env instanceof AdminFailure) return env;
        const path = body.path.replace(/^\/+/, '');
        if (path === '' || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return badRequest(`not a cloud path: ${body.path}`);
        const content = Buffer.from(body.contentBase64, 'base64');
        if (content.length > MAX_UPLOAD_BYTES) return badRequest(`the console uploads files up to ${MAX_UPLOAD_BYTES} bytes`);
        const contentType = typeof body.contentType === 'string' && body.contentType ? body.contentType : undefined;
        return { fileId: storage.write(env, path, content, contentType) };
      },
      201,
    ),
    adminRoute('DELETE /storage', ({ query }) => {
      const env = knownEnv(required(query, 'env'));
      if (env instanceof AdminFailure) return env;
      const fileId = required(query, 'fileId');
      if (fileId instanceof AdminFailure) return fileId;
      const [result] = storage.deleteFiles(env, [fileId]);
      if (result?.code === 'SUCCESS') return { deleted: true };
      return new AdminFailure(result?.code === 'STORAGE_FILE_NONEXIST' ? 404 : 400, result?.code ?? 'INVALID_PARAM', result?.message ?? 'not deleted');
    }),
    adminRoute('POST /storage/temp-url', ({ body }) => {
      if (!isObject(body) || typeof body.env !== 'string' || typeof body.fileId !== 'string') return badRequest('the body needs env and fileId');
      const maxAge = body.maxAgeSeconds;
      if (maxAge !== undefined && (!Number.isInteger(maxAge) || (maxAge as number) < 1)) return badRequest('maxAgeSeconds must be a positive integer');
      const env = knownEnv(body.env);
      if (env instanceof AdminFailure) return env;
      const [result] = storage.temporaryUrls(env, [{ fileId: body.fileId, ...(maxAge !== undefined ? { maxAgeSeconds: maxAge as number } : {}) }]);
      if (!result) return badRequest('no answer');
      if (result.code !== 'SUCCESS') return new AdminFailure(result.code === 'STORAGE_FILE_NONEXIST' ? 404 : 400, result.code, result.message);
      return { fileId: result.fileId, url: result.url, maxAge: result.maxAge };
    }),
    { method: 'GET', path: STORAGE_DOWNLOAD_PATH, handler: download },
  ];
}
