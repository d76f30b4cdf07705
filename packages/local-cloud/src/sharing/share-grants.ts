import type { AppConfig } from '../config';

/** What a grant lets the other mini program do in the shared environment (the console's checkboxes). */
export const SHARE_PERMISSIONS = ['functions', 'database', 'storage', 'openapi'] as const;
export type SharePermission = (typeof SHARE_PERMISSIONS)[number];

/** "A shares env X with B": one row of the owner's console page 环境共享. */
export interface ShareGrant {
  /** The owner's appid. */
  readonly ownerAppid: string;
  /** One of the owner's own environments. */
  readonly envId: string;
  /** The mini program allowed in. */
  readonly granteeAppid: string;
  readonly permissions: readonly SharePermission[];
}

/** A grant as configured: apps by name or appid; the owner's env and every permission by default. */
export interface ShareGrantInput {
  readonly owner: string;
  readonly with: string;
  readonly envId?: string;
  readonly permissions?: readonly SharePermission[];
}

export class ShareGrantError extends Error {}

/**
 * The sharing grants of the local cloud. Only an owner's own environment can be shared, and only
 * with another app of the local cloud: WeChat shares one level deep (B cannot pass A's env on)
 * and within one owning entity; the local cloud takes every configured app as one entity.
 */
export class ResourceSharing {
  private readonly grants = new Map<string, ShareGrant>();

  constructor(
    private readonly apps: readonly AppConfig[],
    initial: readonly ShareGrantInput[] = [],
  ) {
    for (const input of initial) this.share(input);
  }

  /** Adds or replaces the grant of `input.envId` (default: the owner's env) to `input.with`. */
  share(input: ShareGrantInput): ShareGrant {
    const owner = this.app(input.owner, 'owner');
    const grantee = this.app(input.with, 'with');
    if (owner.appid === grantee.appid) throw new ShareGrantError(`${owner.name} cannot share its environment with itself`);
    const envId = input.envId ?? owner.envId;
    if (envId !== owner.envId)
      throw new ShareGrantError(`${envId} is not ${owner.name}'s own environment (${owner.envId}): only an owner's environment can be shared`);
    const permissions = input.permissions ?? SHARE_PERMISSIONS;
    for (const permission of permissions) {
      if (!SHARE_PERMISSIONS.includes(permission))
        throw new ShareGrantError(`unknown permission ${String(permission)} (one of ${SHARE_PERMISSIONS.join(', ')})`);
    }
    const grant: ShareGrant = { ownerAppid: owner.appid, envId, granteeAppid: grantee.appid, permissions: [...new Set(permissions)] };
    this.grants.set(key(envId, grantee.appid), grant);
    return grant;
  }

  /** Removes a grant; true when there was one. Credentials issued under it stop working. */
  unshare(envId: string, grantee: string): boolean {
    return this.grants.delete(key(envId, this.app(grantee, 'with').appid));
  }

  list(): ShareGrant[] {
    return [...this.grants.values()];
  }

  /** The grant of `envId` to `granteeAppid`, if the env is shared with it. */
  find(envId: string, granteeAppid: string): ShareGrant | undefined {
    return this.grants.get(key(envId, granteeAppid));
  }

  /** The app whose own environment `envId` is. */
  ownerOfEnv(envId: string): AppConfig | undefined {
    return this.apps.find((app) => app.envId === envId);
  }

  private app(nameOrAppid: string, field: string): AppConfig {
    const app = this.apps.find((candidate) => candidate.name === nameOrAppid || candidate.appid === nameOrAppid);
    if (!app) throw new ShareGrantError(`${field}: no app ${nameOrAppid} in the local cloud`);
    return app;
  }
}

function key(envId: string, granteeAppid: string): string {
  return `${envId}\n${granteeAppid}`;
}
