import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Env } from '@wxhub/core';

/** Where the local cloud's invented secrets live, below the project root (git-ignored). */
export const LOCAL_SECRETS_FILE = join('.local-cloud', 'secrets.json');

const REFERENCE = /\$\{([A-Z0-9_]+)\}/g;

interface SecretsFile {
  readonly $comment: string;
  readonly values: Record<string, string>;
}

/**
 * The environment for loading the configuration in `local` mode so that every local process
 * agrees on the secrets nothing real needs: each `${NAME}` the configuration refers to and the
 * environment leaves unset gets an invented value, kept in `.local-cloud/secrets.json` (mode
 * 0600) so that the local cloud (`pnpm local-cloud`), the CLI and scripts all use the same one.
 * What the environment does set wins over the file.
 *
 * Without it, each process would invent its own (project-config's local mode does), and the
 * CLI could never get a token from a running local cloud.
 */
export function localSecretsEnv(options: { readonly root: string; readonly configFile: string; readonly env: Env }): Env {
  let text: string;
  try {
    text = readFileSync(options.configFile, 'utf8');
  } catch (error) {
    throw new ConfigError(options.configFile, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const wanted = [...new Set([...text.matchAll(REFERENCE)].map((match) => match[1] as string))].filter((name) => !options.env[name]);
  const path = join(options.root, LOCAL_SECRETS_FILE);
  let values = readValues(path);
  const missing = wanted.filter((name) => !values[name]);
  if (missing.length > 0) {
    const invented = Object.fromEntries(missing.map((name) => [name, `local${randomBytes(12).toString('hex')}`]));
    values = writeValues(path, invented);
  }
  return { ...values, ...options.env };
}

function readValues(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError(path, 'is not valid JSON (delete it to have new local secrets invented)');
  }
  const values = (parsed as { values?: unknown } | null)?.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ConfigError(path, 'has no "values" object');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) if (typeof value === 'string' && value !== '') out[name] = value;
  return out;
}

/**
 * Adds `invented` to the file. The first writer creates it with link() (which fails when the
 * file appeared meanwhile), so two processes starting at once end up with one set of values;
 * a later addition re-reads and replaces the file whole (rename), keeping what was there.
 */
function writeValues(path: string, invented: Record<string, string>): Record<string, string> {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const write = (values: Record<string, string>): void => {
    const content: SecretsFile = {
      $comment: 'Invented local-only secrets shared by the local cloud and wxhub. Never real ones; delete to reinvent.',
      values,
    };
    writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
  };
  try {
    if (!existsSync(path)) {
      write(invented);
      try {
        linkSync(temp, path);
        return invented;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const merged = { ...invented, ...readValues(path) };
    write(merged);
    renameSync(temp, path);
    return merged;
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}
