import { PERMISSION_MODE_LABELS, requiredPermissions, type PermissionSettingInput, type ProjectConfig, type RequiredPermission } from '@wxhub/project-config';

/** One collection whose permission must be set by hand in the console. */
export interface PermissionStep extends RequiredPermission {
  /** What the configuration says the environment is set to (`apps.<app>.permissions.database`), if anything. */
  readonly configured: PermissionSettingInput | undefined;
}

export interface PermissionsPlan {
  readonly steps: readonly PermissionStep[];
  /** Configured settings that differ from the required ones: a deploy refuses to go on. */
  readonly problems: readonly string[];
}

/**
 * What to set in the console for wxhub's own collections in `app`'s environment. miniprogram-ci
 * (and the devtools CLI) cannot set permissions, so the deploy lists them; and when the project
 * configuration records a different setting (what the environment is set to, the same the local
 * cloud runs with), that is a problem: e.g. `token` with "all users read" lets any user of B read
 * A's access token from a page.
 */
export function planPermissions(config: ProjectConfig, app: string): PermissionsPlan {
  const settings = config.apps[app]?.permissions?.database ?? {};
  const steps = requiredPermissions(config)
    .filter((required) => required.app === app)
    .map((required) => ({ ...required, configured: settings[required.collection] }));
  const problems = steps.filter((step) => step.configured !== undefined && !matches(step.configured, step.mode)).map(describeMismatch);
  return { steps, problems };
}

/** The same rule as the local cloud's strict mode: the mode itself, or (for ADMINONLY) rules that allow nothing. */
function matches(setting: PermissionSettingInput, mode: RequiredPermission['mode']): boolean {
  if (typeof setting === 'string') return setting === mode;
  return mode === 'ADMINONLY' && Object.values(setting).every((rule) => rule === false);
}

function describeMismatch(step: PermissionStep): string {
  return (
    `permission of collection ${step.collection} (${step.app}, ${step.envId}): the configuration sets ${JSON.stringify(step.configured)}, ` +
    `but it must be ${step.mode} — ${PERMISSION_MODE_LABELS[step.mode]} — because it holds ${step.holds}`
  );
}

/** The dry run's lines: one console step per collection, marked when the configuration disagrees. */
export function describePermissions(plan: PermissionsPlan): string[] {
  if (plan.steps.length === 0) return [];
  const lines = ['database permissions to set in the console (cloud console → 数据库 → <collection> → 数据权限; miniprogram-ci cannot set them):'];
  for (const step of plan.steps) {
    const state =
      step.configured === undefined
        ? 'not recorded in the configuration'
        : matches(step.configured, step.mode)
          ? 'configured so'
          : `MISCONFIGURED: ${JSON.stringify(step.configured)}`;
    lines.push(`  ${step.collection}: ${step.mode} — ${PERMISSION_MODE_LABELS[step.mode]}; holds ${step.holds}; used by ${step.usedBy.join(', ')} [${state}]`);
  }
  return lines;
}
