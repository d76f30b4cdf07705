export {
  exportEnvironments,
  startDevServer,
  DEFAULT_DEV_PORT,
  type DevServer,
  type DevServerOptions,
  type DevServerUrls,
  type SeedOutcome,
} from './dev-server';
export { describeDevServer } from './describe';
export { childProcessBuilder, type FunctionBuilder, type ChildProcessBuilderOptions } from './function-builder';
export { RebuildQueue, type RebuildResult, type RebuildQueueOptions } from './rebuild-queue';
export { SourceWatcher, projectWatchTargets, type WatchTarget, type SourceWatcherOptions } from './source-watcher';
export { persistenceTools, type DataTools } from './data-wiring';
export { workspaceDependencies } from './workspace-deps';
