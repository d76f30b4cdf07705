export {
  EXAMPLE_CONFIG_FILE,
  loadProjectConfig,
  parsePermissionSettings,
  LOCAL_CONFIG_FILE,
  type AppSettings,
  type BaiduClientSettings,
  type ConfigMode,
  type FunctionSettings,
  type LoadOptions,
  type ProjectConfig,
  type SharePermissionSetting,
  type SharingSettings,
} from './project-config';
export { LOCAL_SECRETS_FILE, localSecretsEnv } from './local-secrets';
export {
  PERMISSION_MODES,
  PERMISSION_MODE_LABELS,
  requiredPermissions,
  planPermissions,
  permissionMatches,
  type PermissionStep,
  type PermissionsPlan,
  type AppPermissionSettings,
  type PermissionMode,
  type PermissionSettingInput,
  type RequiredPermission,
} from './collection-permissions';
