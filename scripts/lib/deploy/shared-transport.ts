import type { ProjectConfig } from '@wxhub/project-config';

/** What deploying one app means for cross-account sharing: console steps to do by hand, and problems that stop a deploy. */
export interface SharingSteps {
  readonly steps: readonly string[];
  readonly problems: readonly string[];
}

const AUTH_FUNCTION = 'cloudbase_auth';

/**
 * The console work cross-account sharing needs, which no upload does: the owner (A) turns
 * sharing on and adds the other app with the permissions of `sharing` in the configuration,
 * and deploys cloudbase_auth; the user (B) runs `api` with API_TRANSPORT=shared and no secret
 * of A. Checked against the configuration: a `shared` api whose env A has not shared with B, or
 * an owner without cloudbase_auth, would fail every call with -601012 / -601016.
 */
export function sharingSteps(config: ProjectConfig, app: string, functionNames: readonly string[]): SharingSteps {
  const steps: string[] = [];
  const problems: string[] = [];
  const appOf = (name: string) => config.apps[name];
  for (const share of config.sharing.filter((entry) => entry.owner === app)) {
    const owner = appOf(share.owner);
    const grantee = appOf(share.with);
    if (!owner || !grantee) continue;
    steps.push(
      `${owner.name}'s console (appid ${owner.appid}): 云开发 > 设置 > 拓展能力 > 环境共享: 开通; 添加共享: appid ${grantee.appid} (${grantee.name}), environment ${owner.envId}, permissions ${(share.permissions ?? ['functions', 'database', 'storage', 'openapi']).join(', ')}.`,
    );
    const auth = config.functions[AUTH_FUNCTION];
    if (!auth || auth.app !== owner.name) {
      problems.push(
        `${owner.name} shares ${owner.envId} with ${grantee.name} but has no ${AUTH_FUNCTION} function configured: init() in ${grantee.name} would fail (-601016)`,
      );
    } else if (!(auth.env.CLOUDBASE_AUTH_ALLOWED_APPIDS ?? '').split(/[\s,]+/).includes(grantee.appid)) {
      problems.push(`${AUTH_FUNCTION}: CLOUDBASE_AUTH_ALLOWED_APPIDS does not list ${grantee.appid} (${grantee.name}): it would refuse (-601017)`);
    } else if (functionNames.includes(AUTH_FUNCTION)) {
      steps.push(
        `${owner.name}: ${AUTH_FUNCTION} is deployed with this upload; set CLOUDBASE_AUTH_ALLOWED_APPIDS=${auth.env.CLOUDBASE_AUTH_ALLOWED_APPIDS} in its console settings.`,
      );
    }
  }
  for (const name of functionNames) {
    const fn = config.functions[name];
    if (!fn || fn.env.API_TRANSPORT !== 'shared') continue;
    const owner = Object.values(config.apps).find((candidate) => candidate.appid === fn.env.A_APPID);
    const self = appOf(app);
    if (!owner || !self) {
      problems.push(`${name}: API_TRANSPORT=shared but A_APPID ${fn.env.A_APPID ?? '(unset)'} is not an app of the configuration`);
      continue;
    }
    if (fn.env.A_ENV !== owner.envId) problems.push(`${name}: A_ENV ${fn.env.A_ENV ?? '(unset)'} is not ${owner.name}'s environment ${owner.envId}`);
    if (!config.sharing.some((entry) => entry.owner === owner.name && entry.with === app)) {
      problems.push(
        `${name}: API_TRANSPORT=shared but ${owner.name} does not share ${owner.envId} with ${app} in the configuration's "sharing": every call would answer -3001 (-601012)`,
      );
    }
    steps.push(
      `${self.name}'s console (appid ${self.appid}): ${name}'s environment variables: API_TRANSPORT=shared, A_APPID=${owner.appid}, A_ENV=${owner.envId}; no A_APPSECRET (delete it if an earlier http deployment set it) and no token collection needed.`,
    );
    if (fn.env.A_APPSECRET !== undefined) steps.push(`${name}: A_APPSECRET is configured but unused with API_TRANSPORT=shared: leave it out of the console.`);
  }
  return { steps, problems };
}
