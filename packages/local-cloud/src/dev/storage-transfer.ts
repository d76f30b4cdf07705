import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError } from '@wxhub/core';
import type { LocalCloud } from '../local-cloud';

/**
 * Storage files in an export and a seed: beside `<envId>.json`, a folder `<envId>.storage/` holding
 * `index.json` (each file's cloud path, content type, page uploader if any, and where its bytes are) and `files/`, the
 * bytes under their cloud paths, so an export can be read with a file browser and fed back as a
 * seed (`--seed A=export/<envId>.json` imports the folder beside it too).
 *
 * Cloud paths are any non-empty string on COS; one that is not a plain relative path on disk
 * (`..`, an absolute path, a backslash, NUL, an empty segment) is stored under `files/~n/` by number
 * instead, so an export can never write outside its folder and an import never reads outside it.
 */

/** The folder beside a seed or export file `<name>.json`. */
export function storageFolderOf(jsonFile: string): string {
  return jsonFile.replace(/\.json$/i, '') + '.storage';
}

interface IndexEntry {
  readonly path: string;
  readonly contentType: string;
  readonly file: string;
  /** The page user who uploaded it (what storage's "creator" modes compare); absent for a function's file. */
  readonly owner?: string;
}

const INDEX = 'index.json';

/** Writes `envId`'s storage files into `folder` (nothing, and no folder, when it has none). Returns how many. */
export async function exportStorage(cloud: LocalCloud, envId: string, folder: string): Promise<number> {
  const fileIds = cloud.storage.list(envId);
  if (fileIds.length === 0) return 0;
  const entries: IndexEntry[] = [];
  for (const [n, fileId] of fileIds.entries()) {
    const stored = cloud.storage.read(fileId);
    if (!stored) continue; // deleted between list and read
    const file = isPlainRelativePath(stored.path) ? path.posix.join('files', stored.path) : `files/~${n}/content`;
    const target = path.join(folder, ...file.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, stored.content);
    entries.push({ path: stored.path, contentType: stored.contentType, file, ...(stored.owner === undefined ? {} : { owner: stored.owner }) });
  }
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, INDEX), JSON.stringify({ files: entries }, null, 2) + '\n');
  return entries.length;
}

/** A seed's storage files, read and checked, not yet stored. */
export type StorageSeed = ReadonlyArray<{ readonly path: string; readonly contentType: string; readonly content: Buffer; readonly owner?: string }>;

/**
 * Reads a seed's storage folder: the whole index is checked and every file read here, so that a
 * bad folder stops the start before anything is imported. No folder: an empty seed.
 */
export async function readStorageSeed(folder: string): Promise<StorageSeed> {
  const indexFile = path.join(folder, INDEX);
  const exists = await stat(indexFile).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );
  if (!exists) return [];
  const entries = parseIndex(await readFile(indexFile, 'utf8'), indexFile);
  const root = path.resolve(folder);
  return Promise.all(
    entries.map(async (entry) => {
      const source = path.resolve(root, ...entry.file.split('/'));
      if (!source.startsWith(root + path.sep)) throw new ConfigError(indexFile, `names ${JSON.stringify(entry.file)}, outside its folder`);
      return {
        path: entry.path,
        contentType: entry.contentType,
        content: await readFile(source),
        ...(entry.owner === undefined ? {} : { owner: entry.owner }),
      };
    }),
  );
}

/** Stores a seed's files in `envId` (a file of the same path is replaced, as an upload would). */
export function applyStorageSeed(cloud: LocalCloud, envId: string, seed: StorageSeed): void {
  for (const file of seed) cloud.storage.write(envId, file.path, file.content, file.contentType, file.owner);
}

function parseIndex(text: string, where: string): IndexEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(where, `is not JSON: ${(error as Error).message}`);
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new ConfigError(where, 'must be {"files": [{path, contentType, file}, …]}');
  return files.map((item: unknown, i) => {
    const entry = item as Partial<Record<keyof IndexEntry, unknown>> | null;
    if (!entry || typeof entry.path !== 'string' || entry.path === '' || typeof entry.file !== 'string' || entry.file === '') {
      throw new ConfigError(where, `files[${i}] needs a non-empty "path" (cloud path) and "file" (relative to the folder)`);
    }
    const contentType = typeof entry.contentType === 'string' && entry.contentType !== '' ? entry.contentType : 'application/octet-stream';
    if (entry.owner !== undefined && (typeof entry.owner !== 'string' || entry.owner === '')) {
      throw new ConfigError(where, `files[${i}].owner must be the uploader's openid (a non-empty string) or left out`);
    }
    return { path: entry.path, file: entry.file, contentType, ...(entry.owner === undefined ? {} : { owner: entry.owner }) };
  });
}

/** A cloud path that is also a safe relative path on every disk (see the module comment). */
function isPlainRelativePath(cloudPath: string): boolean {
  if (/[\\\0:]/.test(cloudPath) || cloudPath.startsWith('/')) return false;
  return cloudPath.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.startsWith('~') === false);
}
