export { REPO_ROOT, testedNodeRuntimes } from './node-runtimes';
export { BUILT_FUNCTIONS, startBuiltFunctionInB, startTestProject, type BuiltFunctionInB, type TestProject } from './project';
export { consumerEnv, packedConsumer, PUBLIC_PACKAGES } from './consumer';
export { chromiumBinary, runDemoFlow, startConsoleSession, type ConsoleSession } from './console-session';
