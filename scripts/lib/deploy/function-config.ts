/** A cloud function's config.json, as WeChat reads it on upload. */
export interface FunctionConfig {
  readonly timeout?: number;
  readonly triggers: readonly Trigger[];
  readonly openapi: readonly string[];
}

export interface Trigger {
  readonly name: string;
  readonly type: string;
  readonly config: string;
}

export type ParsedConfig = { readonly ok: true; readonly config: FunctionConfig } | { readonly ok: false; readonly problems: string[] };

const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/**
 * Checks what WeChat checks (or silently gets wrong): at most one trigger, of type timer, with
 * a 7-field cron (`second minute hour day month week year`); openapi permissions as `a.b` names.
 */
export function parseFunctionConfig(text: string): ParsedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`config.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: ['config.json must be a JSON object'] };
  const record = raw as { timeout?: unknown; triggers?: unknown; permissions?: unknown };
  const problems: string[] = [];
  if (record.timeout !== undefined && (typeof record.timeout !== 'number' || !(record.timeout > 0) || record.timeout > 900)) {
    problems.push('config.json timeout must be a number of seconds');
  }
  const triggers = parseTriggers(record.triggers, problems);
  const openapi = parseOpenapi(record.permissions, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { ...(typeof record.timeout === 'number' ? { timeout: record.timeout } : {}), triggers, openapi } };
}

function parseTriggers(value: unknown, problems: string[]): Trigger[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push('config.json triggers must be an array');
    return [];
  }
  if (value.length > 1) problems.push(`config.json declares ${value.length} triggers; WeChat takes one per function`);
  return value.flatMap((item: unknown, index) => {
    const trigger = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const where = `config.json triggers[${index}]`;
    const { name, type, config } = trigger;
    if (typeof name !== 'string' || !TRIGGER_NAME.test(name)) problems.push(`${where}.name must be a name (letters, digits, _ -)`);
    if (type !== 'timer') problems.push(`${where}.type must be "timer"`);
    if (typeof config !== 'string' || config.trim().split(/\s+/).length !== 7) {
      problems.push(`${where}.config must be a 7-field cron "second minute hour day month week year"`);
    }
    return typeof name === 'string' && typeof type === 'string' && typeof config === 'string' ? [{ name, type, config }] : [];
  });
}

function parseOpenapi(value: unknown, problems: string[]): string[] {
  if (value === undefined) return [];
  const openapi = (typeof value === 'object' && value !== null ? (value as { openapi?: unknown }).openapi : undefined) ?? [];
  if (!Array.isArray(openapi) || !openapi.every((item): item is string => typeof item === 'string' && /^[\w$]+\.[\w$]+$/.test(item))) {
    problems.push('config.json permissions.openapi must list "module.method" names');
    return [];
  }
  return openapi;
}

export function sameTriggers(a: readonly Trigger[], b: readonly Trigger[]): boolean {
  const key = (triggers: readonly Trigger[]) => JSON.stringify(triggers.map((t) => [t.name, t.type, t.config.trim()]));
  return key(a) === key(b);
}
