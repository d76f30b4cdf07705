import { ConfigError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** A required setting; the error names the variable, never a value. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is not set');
  return value;
}

export function optionalEnv(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** A comma- or whitespace-separated list, e.g. an allow-list of function names. */
export function listEnv(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export function numberEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(name, 'must be a non-negative number');
  return value;
}

/** A JSON-valued setting (e.g. a list of third-party clients); parse errors name the variable only. */
export function jsonEnv<T>(env: Env, name: string, validate: (value: unknown) => T): T {
  const raw = requireEnv(env, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'is not valid JSON');
  }
  return validate(parsed);
}
