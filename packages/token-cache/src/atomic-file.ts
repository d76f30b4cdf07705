import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/**
 * File operations whose result is all-or-nothing for a concurrent reader, even across
 * processes: a reader sees the old content or the new one, never a half-written file.
 * Hand-written rather than `write-file-atomic`: its current major needs Node ≥ 22 while this
 * package runs on WeChat's Node 16.13, and what is needed here is one temp file, fsync, rename.
 */

/** A name in the same directory (rename and link must not cross file systems). */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Writes `content` to a temporary file, flushes it to disk (unless `durable` is false: for files
 * that need not survive a power loss), then renames it over `target`.
 */
export async function writeFileAtomic(target: string, content: string, durable = true): Promise<void> {
  const temp = await writeTemp(target, content, durable);
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await removeIfPresent(temp);
    throw error;
  }
}

/** The parsed JSON content of a file; undefined when it does not exist or is not JSON. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function writeTemp(target: string, content: string, durable: boolean): Promise<string> {
  const temp = tempPathFor(target);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await removeIfPresent(temp);
    throw error;
  }
  await handle.close();
  return temp;
}
