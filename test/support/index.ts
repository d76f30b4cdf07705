export { REPO_ROOT, testedNodeRuntimes } from './node-runtimes';
export { BUILT_FUNCTIONS, startBuiltFunctionInB, startTestProject, type BuiltFunctionInB, type TestProject } from './project';
export { chromiumBinary, runDemoFlow, startConsoleSession, type ConsoleSession } from './console-session';
