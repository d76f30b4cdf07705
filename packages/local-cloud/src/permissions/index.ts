export { PagePermissions, type PagePermissionsOptions, type PermissionMismatch } from './page-permissions';
export { guardDatabase, type ClientDatabaseRequest, type GuardDecision } from './database-guard';
export { guardStorage, type ClientStorageRequest } from './storage-guard';
export {
  compileDatabasePermission,
  compileStoragePermission,
  PermissionConfigError,
  permissionSource,
  SIMPLE_MODE_LABELS,
  SIMPLE_MODES,
  type DatabaseOperation,
  type Permission,
  type PermissionSetting,
  type SecurityRules,
  type SimpleMode,
  type StorageOperation,
  type StoragePermission,
} from './rule-set';
export { parseRule, RuleSyntaxError, MAX_RULE_LENGTH } from './rule-parser';
export { DEFAULT_COLLECTION_MODE, DEFAULT_STORAGE_MODE } from './simple-modes';
