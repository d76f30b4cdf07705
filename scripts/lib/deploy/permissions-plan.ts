import { PERMISSION_MODE_LABELS, permissionMatches, planPermissions, type PermissionsPlan } from '@wxhub/project-config';

/** The check itself lives in @wxhub/project-config (planPermissions), so tests of the pages run the same one. */
export { planPermissions, type PermissionsPlan };

/** The dry run's lines: one console step per collection, marked when the configuration disagrees. */
export function describePermissions(plan: PermissionsPlan): string[] {
  if (plan.steps.length === 0) return [];
  const lines = ['database permissions to set in the console (cloud console → 数据库 → <collection> → 数据权限; miniprogram-ci cannot set them):'];
  for (const step of plan.steps) {
    const state =
      step.configured === undefined
        ? 'not recorded in the configuration'
        : permissionMatches(step.configured, step.mode)
          ? 'configured so'
          : `MISCONFIGURED: ${JSON.stringify(step.configured)}`;
    lines.push(`  ${step.collection}: ${step.mode} — ${PERMISSION_MODE_LABELS[step.mode]}; holds ${step.holds}; used by ${step.usedBy.join(', ')} [${state}]`);
  }
  return lines;
}
