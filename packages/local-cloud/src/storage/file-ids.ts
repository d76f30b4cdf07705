/**
 * WeChat's cloud file ids: `cloud://<envId>.<bucket>/<path>`, where the bucket is the hex of the
 * env id's first two characters, a dash and the env id (WeChat's documented example:
 * `cloud://test2-4a89da.7465-test2-4a89da/A.png`).
 */

export interface FileRef {
  readonly envId: string;
  readonly bucket: string;
  readonly path: string;
}

export function bucketOf(envId: string): string {
  return `${Buffer.from(envId.slice(0, 2), 'utf8').toString('hex')}-${envId}`;
}

export function fileIdOf(envId: string, path: string): string {
  return `cloud://${envId}.${bucketOf(envId)}/${path}`;
}

/** The parts of a fileID, or undefined when it is not one. */
export function parseFileId(fileId: string): FileRef | undefined {
  const match = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/s.exec(fileId);
  if (!match) return undefined;
  const [, envId, bucket, path] = match;
  if (envId === undefined || bucket === undefined || path === undefined) return undefined;
  return { envId, bucket, path };
}
