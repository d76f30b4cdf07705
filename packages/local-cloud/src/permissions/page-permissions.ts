import type { AppPermissionSettings, PermissionMode, RequiredPermission } from '@wxhub/project-config';
import {
  compileDatabasePermission,
  compileStoragePermission,
  PermissionConfigError,
  permissionSource,
  type Permission,
  type PermissionSetting,
  type StoragePermission,
} from './rule-set';
import { DEFAULT_COLLECTION_MODE, DEFAULT_STORAGE_MODE } from './simple-modes';

export interface PagePermissionsOptions {
  readonly envIds: readonly string[];
  /** Per environment id: what its collections and storage are set to (the project configuration's apps.X.permissions). */
  readonly settings?: Readonly<Record<string, AppPermissionSettings | undefined>>;
  /** wxhub's own collections and the mode each must have (requiredPermissions() of the configuration). */
  readonly required?: readonly RequiredPermission[];
  /** Refuse (at start and when set) a required collection set to anything but its required mode. */
  readonly strict?: boolean;
}

/** A required collection whose setting is not the required one. */
export interface PermissionMismatch {
  readonly required: RequiredPermission;
  readonly actual: PermissionSetting;
}

/**
 * The permissions pages are held to, per environment: each collection's mode or rules, the
 * storage bucket's, and wxhub's own required settings. Every setting is compiled when set, so a
 * rule that cannot be parsed is refused then, with its position, never at request time.
 * Functions (the server SDK) are not subject to any of this.
 */
export class PagePermissions {
  readonly strict: boolean;
  private readonly collections = new Map<string, Map<string, Permission>>();
  private readonly storages = new Map<string, StoragePermission>();
  private readonly required: readonly RequiredPermission[];

  constructor(options: PagePermissionsOptions) {
    this.strict = options.strict ?? false;
    this.required = options.required ?? [];
    for (const envId of options.envIds) {
      const settings = options.settings?.[envId];
      const collections = new Map<string, Permission>();
      this.collections.set(envId, collections);
      for (const [name, setting] of Object.entries(settings?.database ?? {})) collections.set(name, compileDatabasePermission(setting, `${envId}/${name}`));
      if (settings?.storage !== undefined) this.storages.set(envId, compileStoragePermission(settings.storage, `${envId}/storage`));
    }
    if (this.strict) {
      const [first] = this.mismatches();
      if (first) throw strictRefusal(first.required, first.actual);
    }
  }

  get envIds(): string[] {
    return [...this.collections.keys()];
  }

  collection(envId: string, name: string): Permission {
    return this.env(envId).get(name) ?? { kind: 'simple', mode: DEFAULT_COLLECTION_MODE };
  }

  storage(envId: string): StoragePermission {
    this.env(envId);
    return this.storages.get(envId) ?? { kind: 'simple', mode: DEFAULT_STORAGE_MODE };
  }

  /** Sets a collection's mode or rules (as the console does); throws PermissionConfigError for a bad rule or, in strict mode, a required collection set otherwise. */
  setCollection(envId: string, name: string, setting: unknown): Permission {
    const permission = compileDatabasePermission(setting, `${envId}/${name}`);
    const required = this.required.find((r) => r.envId === envId && r.collection === name);
    if (this.strict && required && !satisfies(permission, required.mode)) throw strictRefusal(required, permissionSource(permission));
    this.env(envId).set(name, permission);
    return permission;
  }

  setStorage(envId: string, setting: unknown): StoragePermission {
    this.env(envId);
    const permission = compileStoragePermission(setting, `${envId}/storage`);
    this.storages.set(envId, permission);
    return permission;
  }

  /** wxhub's own collections whose setting here differs from the required one. */
  mismatches(): PermissionMismatch[] {
    return this.required.flatMap((required) => {
      if (!this.collections.has(required.envId)) return [];
      const permission = this.collection(required.envId, required.collection);
      return satisfies(permission, required.mode) ? [] : [{ required, actual: permissionSource(permission) }];
    });
  }

  /** What one environment is set to (the admin API's answer). */
  describe(envId: string): {
    /** A list, not an object keyed by name: the admin API masks fields named like secrets (`token`). */
    readonly collections: ReadonlyArray<{ readonly name: string; readonly setting: PermissionSetting }>;
    readonly defaultCollectionMode: PermissionMode;
    readonly storage: PermissionSetting;
    readonly strict: boolean;
    readonly required: ReadonlyArray<RequiredPermission & { readonly actual: PermissionSetting; readonly ok: boolean }>;
  } {
    const collections = [...this.env(envId)].map(([name, permission]) => ({ name, setting: permissionSource(permission) }));
    const required = this.required
      .filter((r) => r.envId === envId)
      .map((r) => {
        const permission = this.collection(envId, r.collection);
        return { ...r, actual: permissionSource(permission), ok: satisfies(permission, r.mode) };
      });
    return { collections, defaultCollectionMode: DEFAULT_COLLECTION_MODE, storage: permissionSource(this.storage(envId)), strict: this.strict, required };
  }

  private env(envId: string): Map<string, Permission> {
    const collections = this.collections.get(envId);
    if (!collections) throw new PermissionConfigError(envId, 'is not an environment of the local cloud');
    return collections;
  }
}

/** A rule set that refuses pages everything counts as ADMINONLY; otherwise the mode must match. */
function satisfies(permission: Permission, mode: PermissionMode): boolean {
  if (permission.kind === 'simple') return permission.mode === mode;
  return mode === 'ADMINONLY' && Object.values(permission.rules).every((rule) => rule.kind === 'constant' && !rule.value);
}

function strictRefusal(required: RequiredPermission, actual: PermissionSetting): PermissionConfigError {
  return new PermissionConfigError(
    `${required.app} (${required.envId})/${required.collection}`,
    `must be ${required.mode} — it holds ${required.holds} — but is set to ${JSON.stringify(actual)} (strict permissions)`,
  );
}
