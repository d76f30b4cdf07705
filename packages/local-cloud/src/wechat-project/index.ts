export { ensureDependencies, diagnose, type InstallOptions, type InstallOutcome } from './dependency-install';
export { discoverFunctions, type ProjectFunction } from './function-discovery';
export { DEV_CONFIG_FILE, FUNCTION_ENV_FILE, readDevConfig, readFunctionEnvFile, type DevConfig } from './function-env';
export { PROJECT_FILE, readProjectFile, type ProjectFile } from './project-file';
export { isPlatformVariable, scfNodePath, scfRuntimeEnv, type ScfEnvOptions } from './scf-env';
export { envIdsInSource, scanSource, type SourceNames } from './source-scan';
export {
  startWechatProjectCloud,
  type DeployedFunction,
  type LoadedProject,
  type NodeBinaries,
  type WechatProjectCloud,
  type WechatProjectsOptions,
} from './wechat-project-cloud';
