import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { integerOption, stringOption } from '../args';
import type { CommandContext } from '../command';
import { ExitCode, UsageError, type ExitCodeValue } from '../exit-codes';
import { expectOperands } from '../operands';
import { formatBytes } from '../output';
import { progressReporter } from '../progress';

/** Per-file failures of url/delete: printed to stderr, and exit code 1 (the others still succeeded). */
function reportFailures(
  failed: ReadonlyArray<{ fileId: string; status: number; errmsg: string }>,
  stderr: { write(text: string): unknown },
  json: boolean,
): typeof ExitCode.OK | typeof ExitCode.UPSTREAM {
  if (failed.length === 0) return ExitCode.OK;
  if (!json) for (const file of failed) stderr.write(`${file.fileId}: errcode ${file.status}: ${file.errmsg}\n`);
  return ExitCode.UPSTREAM;
}

export async function upload({ operands, args, io, out, connect }: CommandContext): Promise<ExitCodeValue> {
  expectOperands(operands, 'storage upload', ['the local file', 'the cloud path']);
  const [file, cloudPath] = operands as [string, string];
  if (cloudPath.startsWith('/')) throw new UsageError('the cloud path is relative, e.g. images/logo.png', 'storage upload');
  const path = resolve(io.cwd, file);
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new ConfigError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const progress = progressReporter(io.stderr, `uploading ${basename(path)}`);
  const contentType = stringOption(args, 'content-type');
  let result;
  try {
    result = await connect().cloud.upload(cloudPath, content, { onProgress: progress.update, ...(contentType ? { contentType } : {}) });
  } finally {
    progress.done();
  }
  out.result({ fileId: result.fileId, cloudPath, bytes: content.length }, () => [result.fileId]);
  out.note(`uploaded ${formatBytes(content.length)} to ${cloudPath}`);
  return ExitCode.OK;
}

export async function url({ operands, args, io, out, connect }: CommandContext): Promise<ExitCodeValue> {
  if (operands.length === 0) throw new UsageError('missing the file ID(s)', 'storage url');
  const maxAge = integerOption(args, 'max-age', 'storage url', { min: 1, max: 365 * 24 * 3600 });
  const links = await connect().cloud.downloadUrls(operands, maxAge);
  out.result({ files: links }, () => links.filter((link) => link.ok).map((link) => `${link.fileId}\t${link.url}`));
  return reportFailures(
    links.filter((link) => !link.ok),
    io.stderr,
    out.json,
  );
}

export async function deleteFiles({ operands, io, out, connect }: CommandContext): Promise<ExitCodeValue> {
  if (operands.length === 0) throw new UsageError('missing the file ID(s)', 'storage delete');
  const results = await connect().cloud.deleteFiles(operands);
  out.result({ files: results }, () => results.filter((file) => file.ok).map((file) => `deleted ${file.fileId}`));
  return reportFailures(
    results.filter((file) => !file.ok),
    io.stderr,
    out.json,
  );
}
