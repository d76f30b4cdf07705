import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse, type Node } from 'acorn';

/** Source files bigger than this are bundles, not code a person wrote an env id into. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * The environment ids a function's own code names in `cloud.init({env: 'prod-1a2b'})` (or
 * `env: {database: 'x', functions: 'y', storage: 'z'}`), read from its JavaScript files outside
 * node_modules. Parsed with acorn (not a regex) so comments, strings and other `init` calls
 * cannot fool it. `cloud.DYNAMIC_CURRENT_ENV` and computed values name no id: they are the
 * function's own environment. A file that does not parse is skipped: it will fail when loaded,
 * where the error is the function's.
 */
export function envIdsInSource(dir: string): string[] {
  return scanSource(dir).envIds;
}

/** What a function's own code names: env ids (see envIdsInSource) and `process.env.NAME` variables. */
export interface SourceNames {
  readonly envIds: string[];
  /** `process.env.NAME` and `process.env['NAME']` reads, sorted. */
  readonly variables: string[];
}

export function scanSource(dir: string): SourceNames {
  const envIds = new Set<string>();
  const variables = new Set<string>();
  for (const file of sourceFiles(dir)) {
    let tree: Node;
    try {
      tree = parseAny(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    visit(tree, (node) => {
      for (const id of envIdsOfInitCall(node)) envIds.add(id);
      const variable = processEnvRead(node);
      if (variable !== undefined) variables.add(variable);
    });
  }
  return { envIds: [...envIds].sort(), variables: [...variables].sort() };
}

/** `process.env.NAME` / `process.env['NAME']`: NAME. */
function processEnvRead(node: Node): string | undefined {
  const member = node as Loose;
  if (member.type !== 'MemberExpression') return undefined;
  const object = member.object as Loose;
  if (object.type !== 'MemberExpression' || (object.object as Loose).type !== 'Identifier' || (object.object as Loose).name !== 'process') return undefined;
  if ((object.property as Loose).type !== 'Identifier' || (object.property as Loose).name !== 'env') return undefined;
  const property = member.property as Loose;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  return member.computed ? stringValue(property) : undefined;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(c|m)?js$/.test(entry.name) && statSync(full).size <= MAX_SOURCE_BYTES) files.push(full);
    }
  };
  walk(dir);
  return files;
}

function parseAny(text: string): Node {
  const common = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true } as const;
  try {
    return parse(text, { ...common, sourceType: 'script' });
  } catch {
    return parse(text, { ...common, sourceType: 'module' });
  }
}

/** Depth-first over every node of the tree (iterative: a deep tree cannot exhaust the stack). */
function visit(root: Node, onNode: (node: Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
    } else if (isNode(value)) {
      onNode(value);
      for (const [key, child] of Object.entries(value)) if (key !== 'loc') stack.push(child);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

type Loose = Node & Record<string, unknown>;

/** `<anything>.init({ env: ... })`: the string ids it names. */
function envIdsOfInitCall(node: Node): string[] {
  const call = node as Loose;
  if (call.type !== 'CallExpression') return [];
  const callee = call.callee as Loose;
  if (callee.type !== 'MemberExpression' || (callee.property as Loose).type !== 'Identifier' || (callee.property as Loose).name !== 'init') return [];
  const [options] = call.arguments as Loose[];
  if (!options || options.type !== 'ObjectExpression') return [];
  const env = propertyValue(options, 'env');
  if (!env) return [];
  const direct = stringValue(env);
  if (direct !== undefined) return [direct];
  if (env.type !== 'ObjectExpression') return [];
  return ['database', 'functions', 'storage', 'default']
    .map((key) => propertyValue(env, key))
    .flatMap((value) => {
      const id = value && stringValue(value);
      return id === undefined ? [] : [id];
    });
}

function propertyValue(object: Loose, name: string): Loose | undefined {
  for (const property of object.properties as Loose[]) {
    if (property.type !== 'Property' || property.computed) continue;
    const key = property.key as Loose;
    if ((key.type === 'Identifier' && key.name === name) || (key.type === 'Literal' && key.value === name)) return property.value as Loose;
  }
  return undefined;
}

/** A string literal or a template without expressions. */
function stringValue(node: Loose): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string' && node.value !== '') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const cooked = ((node.quasis as Loose[])[0]?.value as { cooked?: string } | undefined)?.cooked;
    return cooked ? cooked : undefined;
  }
  return undefined;
}
