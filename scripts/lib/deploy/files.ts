import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface FileEntry {
  /** Relative to the folder listed, with forward slashes. */
  readonly path: string;
  readonly bytes: number;
}

/** Every file under `dir`, sorted, except what `skip` (given the relative path and whether it is a folder) leaves out. */
export function listFiles(dir: string, skip: (path: string, isFolder: boolean) => boolean = () => false): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (skip(path, entry.isDirectory())) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ path, bytes: statSync(full).size });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function totalBytes(files: readonly FileEntry[]): number {
  return files.reduce((sum, file) => sum + file.bytes, 0);
}
