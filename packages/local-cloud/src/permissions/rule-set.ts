import { PERMISSION_MODE_LABELS as SIMPLE_MODE_LABELS, PERMISSION_MODES as SIMPLE_MODES, type PermissionMode as SimpleMode } from '@wxhub/project-config';
import { parseRule, RuleSyntaxError, type RuleExpression } from './rule-parser';

export { SIMPLE_MODE_LABELS, SIMPLE_MODES, type SimpleMode };

/** A custom rule document as written in the console: each key `true`, `false` or an expression. */
export interface SecurityRules {
  readonly read?: boolean | string;
  readonly write?: boolean | string;
  readonly create?: boolean | string;
  readonly update?: boolean | string;
  readonly delete?: boolean | string;
}

/** How a collection (or the storage bucket) is configured: a simple mode or custom rules. */
export type PermissionSetting = SimpleMode | SecurityRules;

export type DatabaseOperation = 'read' | 'create' | 'update' | 'delete';
export type StorageOperation = 'read' | 'write';

export type CompiledRule =
  { readonly kind: 'constant'; readonly value: boolean } | { readonly kind: 'expression'; readonly text: string; readonly tree: RuleExpression };

export type Permission =
  | { readonly kind: 'simple'; readonly mode: SimpleMode }
  | { readonly kind: 'rules'; readonly source: SecurityRules; readonly rules: Readonly<Record<DatabaseOperation, CompiledRule>> };

export type StoragePermission =
  | { readonly kind: 'simple'; readonly mode: SimpleMode }
  | { readonly kind: 'rules'; readonly source: SecurityRules; readonly rules: Readonly<Record<StorageOperation, CompiledRule>> };

/** A permission setting that cannot be used: where it is (`B/token.read`), and why (with the character for a syntax error). */
export class PermissionConfigError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
    readonly index?: number,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'PermissionConfigError';
  }
}

const DATABASE_KEYS = ['read', 'write', 'create', 'update', 'delete'] as const;
const STORAGE_KEYS = ['read', 'write'] as const;

/** A collection's setting, checked: every rule parsed (a syntax error names its character). */
export function compileDatabasePermission(setting: unknown, where: string): Permission {
  if (typeof setting === 'string') return { kind: 'simple', mode: simpleMode(setting, where) };
  const source = rulesObject(setting, where, DATABASE_KEYS);
  const write = compileRule(source.write, `${where}.write`, ['auth', 'doc', 'now', 'request']);
  const compile = (key: 'read' | 'create' | 'update' | 'delete'): CompiledRule =>
    key !== 'read' && source[key] === undefined ? write : compileRule(source[key], `${where}.${key}`, ['auth', 'doc', 'now', 'request']);
  return { kind: 'rules', source, rules: { read: compile('read'), create: compile('create'), update: compile('update'), delete: compile('delete') } };
}

/** The storage bucket's setting: a simple mode, or `{read, write}` rules over `auth` and `resource`. */
export function compileStoragePermission(setting: unknown, where: string): StoragePermission {
  if (typeof setting === 'string') return { kind: 'simple', mode: simpleMode(setting, where) };
  const source = rulesObject(setting, where, STORAGE_KEYS);
  return {
    kind: 'rules',
    source,
    rules: {
      read: compileRule(source.read, `${where}.read`, ['auth', 'resource', 'now']),
      write: compileRule(source.write, `${where}.write`, ['auth', 'resource', 'now']),
    },
  };
}

/** The setting as configured (for the admin API and the dry run). */
export function permissionSource(permission: Permission | StoragePermission): PermissionSetting {
  return permission.kind === 'simple' ? permission.mode : permission.source;
}

function simpleMode(text: string, where: string): SimpleMode {
  if ((SIMPLE_MODES as readonly string[]).includes(text)) return text as SimpleMode;
  throw new PermissionConfigError(where, `${JSON.stringify(text)} is not a permission mode (${SIMPLE_MODES.join(', ')}) nor a rules object`);
}

function rulesObject(value: unknown, where: string, keys: readonly string[]): SecurityRules {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PermissionConfigError(where, `must be one of ${SIMPLE_MODES.join(', ')} or an object of rules (${keys.join(', ')})`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new PermissionConfigError(`${where}.${key}`, `is not a rule key (${keys.join(', ')})`);
  }
  return value as SecurityRules;
}

/** A missing key is false: WeChat's default for every operation. */
function compileRule(value: unknown, where: string, globals: readonly string[]): CompiledRule {
  if (value === undefined || value === false) return { kind: 'constant', value: false };
  if (value === true) return { kind: 'constant', value: true };
  if (typeof value !== 'string') throw new PermissionConfigError(where, 'must be true, false or an expression string');
  try {
    return { kind: 'expression', text: value, tree: parseRule(value, globals) };
  } catch (error) {
    if (error instanceof RuleSyntaxError)
      throw new PermissionConfigError(where, `${error.reason} at character ${error.index + 1}: ${pointAt(value, error.index)}`, error.index);
    throw error;
  }
}

/** `doc.a == = 1` with a caret under the character, on one line. */
function pointAt(text: string, index: number): string {
  return `${text.slice(0, index)}⟦${text.slice(index, index + 1) || 'end'}⟧${text.slice(index + 1)}`;
}
