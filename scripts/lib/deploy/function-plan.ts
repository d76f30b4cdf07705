import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles, totalBytes, type FileEntry } from './files';
import { parseFunctionConfig, sameTriggers, type Trigger } from './function-config';
import { openapiCalls } from './openapi-scan';

/** One built function as it would be uploaded, and what is wrong with it. */
export interface FunctionPlan {
  readonly name: string;
  /** The folder uploaded (build/cloudfunctions/<name>). */
  readonly dir: string;
  /** node_modules left out: the cloud installs the dependencies ("remote npm install"). */
  readonly files: readonly FileEntry[];
  readonly bytes: number;
  /** package.json dependencies the cloud installs. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number | undefined;
  readonly triggers: readonly Trigger[];
  /** permissions.openapi of config.json. */
  readonly openapi: readonly string[];
  /** `cloud.openapi.a.b` calls found in the bundle. */
  readonly openapiUsed: readonly string[];
  /** Environment variable names from the project configuration (set in the console; never uploaded). */
  readonly envVars: readonly string[];
  /** Anything that makes the upload wrong; a deploy with problems sends nothing. */
  readonly problems: readonly string[];
  /** Worth knowing, not wrong. */
  readonly notes: readonly string[];
}

export interface InspectOptions {
  readonly name: string;
  /** build/cloudfunctions/<name> */
  readonly builtDir: string;
  /** cloudfunctions/<name>, whose config.json declares the triggers and permissions. */
  readonly sourceDir: string;
  readonly envVars?: readonly string[];
}

/**
 * Reads a built function the way an upload would take it, and checks it against its source
 * declaration and its own code: config.json present, the declared trigger and permissions
 * carried over (a stale or broken build drops them), every openapi call declared.
 */
export function inspectBuiltFunction(options: InspectOptions): FunctionPlan {
  const { name, builtDir, sourceDir } = options;
  const problems: string[] = [];
  const notes: string[] = [];
  const base = { name, dir: builtDir, envVars: [...(options.envVars ?? [])].sort() };
  if (!existsSync(join(builtDir, 'index.js'))) {
    return {
      ...base,
      files: [],
      bytes: 0,
      dependencies: {},
      timeoutSeconds: undefined,
      triggers: [],
      openapi: [],
      openapiUsed: [],
      problems: [`${name}: not built (no ${join(builtDir, 'index.js')}): run \`pnpm build\``],
      notes,
    };
  }
  const files = listFiles(builtDir, (path, isFolder) => isFolder && path === 'node_modules');
  const dependencies = readDependencies(builtDir, name, problems);
  const openapiUsed = openapiCalls(readFileSync(join(builtDir, 'index.js'), 'utf8'));

  let timeoutSeconds: number | undefined;
  let triggers: readonly Trigger[] = [];
  let openapi: readonly string[] = [];
  const builtConfig = join(builtDir, 'config.json');
  if (!existsSync(builtConfig)) {
    problems.push(`${name}: the built function has no config.json (its timeout, trigger and openapi permissions would be lost)`);
  } else {
    const parsed = parseFunctionConfig(readFileSync(builtConfig, 'utf8'));
    if (!parsed.ok) problems.push(...parsed.problems.map((problem) => `${name}: ${problem}`));
    else ({ timeoutSeconds, triggers, openapi } = { timeoutSeconds: parsed.config.timeout, triggers: parsed.config.triggers, openapi: parsed.config.openapi });
  }
  compareWithSource(name, sourceDir, triggers, openapi, problems);
  for (const call of openapiUsed) {
    if (!openapi.includes(call)) {
      problems.push(
        `${name}: calls cloud.openapi.${call} but config.json permissions.openapi does not declare "${call}" (WeChat refuses the call with -604101)`,
      );
    }
  }
  for (const declared of openapi) if (!openapiUsed.includes(declared)) notes.push(`declares openapi ${declared}, which its code does not call`);
  return { ...base, files, bytes: totalBytes(files), dependencies, timeoutSeconds, triggers, openapi, openapiUsed, problems, notes };
}

function compareWithSource(name: string, sourceDir: string, triggers: readonly Trigger[], openapi: readonly string[], problems: string[]): void {
  const sourceConfig = join(sourceDir, 'config.json');
  if (!existsSync(sourceConfig)) {
    problems.push(`${name}: ${sourceConfig} is missing; every function declares its timeout, trigger and permissions there`);
    return;
  }
  const declared = parseFunctionConfig(readFileSync(sourceConfig, 'utf8'));
  if (!declared.ok) {
    problems.push(...declared.problems.map((problem) => `${name}: source ${problem}`));
    return;
  }
  for (const trigger of declared.config.triggers) {
    const built = triggers.find((candidate) => candidate.name === trigger.name);
    if (!built) {
      problems.push(
        `${name}: the built config.json lacks the ${trigger.type} trigger "${trigger.name}" declared in its source config.json (stale build? run \`pnpm build\`)`,
      );
    } else if (!sameTriggers([trigger], [built])) {
      problems.push(`${name}: the built trigger "${trigger.name}" differs from its source config.json (stale build? run \`pnpm build\`)`);
    }
  }
  for (const built of triggers) {
    if (!declared.config.triggers.some((trigger) => trigger.name === built.name)) {
      problems.push(`${name}: the built config.json has a trigger "${built.name}" its source does not declare (stale build? run \`pnpm build\`)`);
    }
  }
  for (const permission of declared.config.openapi) {
    if (!openapi.includes(permission))
      problems.push(`${name}: the built config.json lacks the openapi permission "${permission}" declared in its source config.json`);
  }
}

function readDependencies(builtDir: string, name: string, problems: string[]): Record<string, string> {
  const file = join(builtDir, 'package.json');
  if (!existsSync(file)) {
    problems.push(`${name}: the built function has no package.json (remote npm install needs it)`);
    return {};
  }
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown; dependencies?: unknown };
    if (manifest.main !== undefined && manifest.main !== 'index.js') problems.push(`${name}: package.json main must be index.js (WeChat runs index.main)`);
    const dependencies = typeof manifest.dependencies === 'object' && manifest.dependencies !== null ? (manifest.dependencies as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(dependencies).map(([key, value]) => [key, String(value)]));
  } catch {
    problems.push(`${name}: the built package.json is not valid JSON`);
    return {};
  }
}
