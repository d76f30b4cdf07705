import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '@wxhub/core';
import { EXAMPLE_CONFIG_FILE } from '@wxhub/project-config';
import type { PrivateKey } from './target';

/**
 * What a real deploy checks before anything is sent (issue 10, item 14), each a problem line:
 * - the target appid is one of the example configuration's placeholders (the configuration was
 *   never made the user's own: the upload would go to a mini program that is not theirs, or fail
 *   late at WeChat);
 * - a `${NAME}` of the configuration is unset: the local cloud invents a value for it, a
 *   deployment must not (the README's rule); names only, never values;
 * - the code-upload key is missing or not a PEM key.
 */
export function realDeployProblems(options: { root: string; configFile: string | undefined; appid: string; env: Env; privateKey: PrivateKey }): string[] {
  const problems: string[] = [];
  if (placeholderAppids(options.root).has(options.appid)) {
    problems.push(
      `appid ${options.appid} is the placeholder of ${EXAMPLE_CONFIG_FILE}: put your mini program's appid in wxhub.config.local.json (or --config FILE)`,
    );
  }
  const unset = [...references(options.configFile)].filter((name) => !options.env[name]?.trim());
  if (unset.length > 0) problems.push(`unset in the environment (the configuration refers to them): ${unset.sort().join(', ')}`);
  if (!options.privateKey.ok) problems.push(options.privateKey.problem);
  return problems;
}

/** The `${NAME}` references in the configuration's values (`$comment` and other `$` keys are prose). */
function references(configFile: string | undefined): Set<string> {
  const names = new Set<string>();
  if (!configFile || !existsSync(configFile)) return names;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]!);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) if (!key.startsWith('$')) visit(item);
  };
  try {
    visit(JSON.parse(readFileSync(configFile, 'utf8')));
  } catch {
    // An unreadable configuration was already refused by loadProjectConfig.
  }
  return names;
}

/** The appids of the committed example configuration. */
function placeholderAppids(root: string): Set<string> {
  const file = join(root, EXAMPLE_CONFIG_FILE);
  if (!existsSync(file)) return new Set();
  try {
    const apps = (JSON.parse(readFileSync(file, 'utf8')) as { apps?: Record<string, { appid?: unknown }> }).apps ?? {};
    return new Set(Object.values(apps).flatMap((app) => (typeof app.appid === 'string' ? [app.appid] : [])));
  } catch {
    return new Set();
  }
}
