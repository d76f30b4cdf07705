import type { AppConfig } from '../config';

/** Which app and environment a page's request is for: given by appid or by the app's name in the configuration. */
export interface ClientTargetRequest {
  readonly appid?: string;
  readonly app?: string;
  readonly env?: string;
}

export type ClientTarget =
  | { readonly ok: true; readonly app: AppConfig; readonly envId: string }
  | {
      readonly ok: false;
      readonly status: 403 | 404;
      readonly reason: string;
      /** The environment exists but is another app's, or none exists. */ readonly envProblem: boolean;
    };

/**
 * A page can reach its own mini program's environment only: an unknown app is 404, another
 * app's environment 403, an environment nobody has 404 (`env not exists`, WeChat's words).
 */
export function resolveClientTarget(apps: readonly AppConfig[], request: ClientTargetRequest): ClientTarget {
  const app = apps.find((candidate) => (request.appid !== undefined ? candidate.appid === request.appid : candidate.name === request.app));
  if (!app) {
    const known = apps.map((a) => `${a.name} (${a.appid})`).join(', ');
    return {
      ok: false,
      status: 404,
      envProblem: false,
      reason: `the local cloud has no mini program ${request.appid ?? request.app}; it has ${known || 'none'}`,
    };
  }
  const envId = request.env ?? app.envId;
  if (envId !== app.envId) {
    return apps.some((a) => a.envId === envId)
      ? { ok: false, status: 403, envProblem: true, reason: `env ${envId} is not an environment of mini program ${app.appid}` }
      : { ok: false, status: 404, envProblem: true, reason: `[100004] env not exists: ${envId}` };
  }
  return { ok: true, app, envId };
}
