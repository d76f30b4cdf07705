import type { FileEntry } from './files';
import type { FunctionPlan } from './function-plan';
import type { FunctionsPlan, UploadPlan } from './plan';
import type { PrivateKey } from './target';
import { describePermissions } from './permissions-plan';

/** The plan as people read it: what would be sent, where, and what is wrong. */
export function describePlan(plan: FunctionsPlan | UploadPlan, dryRun: boolean): string {
  return (plan.kind === 'functions' ? describeFunctions(plan, dryRun) : describeUpload(plan, dryRun)).join('\n');
}

function describeFunctions(plan: FunctionsPlan, dryRun: boolean): string[] {
  const { target } = plan;
  const lines = [
    `${dryRun ? 'DRY RUN (nothing is sent): would deploy' : 'deploying'} ${plan.functions.length} cloud function(s) of app ${target.app} (appid ${target.appid}) to environment ${target.envId}`,
    `project: ${plan.projectPath}`,
    `private key: ${describeKey(plan.privateKey, dryRun)}`,
    `remote npm install: yes (the cloud installs each package.json's dependencies; node_modules is not uploaded)`,
    '',
  ];
  for (const fn of plan.functions) lines.push(...describeFunction(fn), '');
  const files = plan.functions.reduce((sum, fn) => sum + fn.files.length, 0);
  const bytes = plan.functions.reduce((sum, fn) => sum + fn.bytes, 0);
  lines.push(`total: ${plan.functions.length} function(s), ${files} file(s), ${size(bytes)}`);
  const permissionLines = describePermissions(plan.permissions);
  if (permissionLines.length > 0) lines.push('', ...permissionLines);
  lines.push(
    ...describeProblems(plan.problems, 'config.json present, triggers and openapi permissions as declared and used, collection permissions as required'),
  );
  if (plan.sharingSteps.length > 0) lines.push('', 'cross-account sharing (环境共享), in the consoles:', ...plan.sharingSteps.map((step) => `  - ${step}`));
  lines.push(
    '',
    'notes:',
    '  - miniprogram-ci creates a function that does not exist yet with its default runtime; create each function once in the console with Nodejs16.13 or Nodejs18.15.',
    '  - environment variables are not uploaded: set the ones listed in the console (values from wxhub.config.*.json).',
    '',
    'WeChat devtools CLI equivalent (devtools must be logged in, with its service port on):',
    `  ${plan.devtoolsCommand}`,
    '  then upload the timer triggers from devtools (right-click the function → 上传触发器).',
  );
  return lines;
}

function describeFunction(fn: FunctionPlan): string[] {
  const lines = [`${fn.name}  →  ${fn.dir}`];
  lines.push(...describeFiles(fn.files, '  '));
  lines.push(
    `  dependencies installed by the cloud: ${
      Object.entries(fn.dependencies)
        .map(([name, version]) => `${name}@${version}`)
        .join(', ') || 'none'
    }`,
  );
  lines.push(`  timeout: ${fn.timeoutSeconds === undefined ? 'default (3 s)' : `${fn.timeoutSeconds} s`}`);
  lines.push(
    fn.triggers.length === 0
      ? '  triggers: none'
      : `  triggers: ${fn.triggers.map((t) => `${t.name} (${t.type} "${t.config}")`).join(', ')}: created after the upload (cloud.createTimeTrigger)`,
  );
  lines.push(
    `  openapi permissions: ${fn.openapi.length === 0 ? 'none' : fn.openapi.join(', ')}; used by the code: ${fn.openapiUsed.length === 0 ? 'none' : fn.openapiUsed.join(', ')}`,
  );
  lines.push(`  environment variables to set in the console: ${fn.envVars.length === 0 ? 'none' : fn.envVars.join(', ')}`);
  for (const note of fn.notes) lines.push(`  note: ${note}`);
  return lines;
}

function describeUpload(plan: UploadPlan, dryRun: boolean): string[] {
  const { target } = plan;
  const lines = [
    `${dryRun ? 'DRY RUN (nothing is sent): would upload' : 'uploading'} mini program ${target.app} (appid ${target.appid}) version ${plan.version || '?'}: "${plan.desc}"`,
    `project: ${plan.projectPath} (miniprogramRoot miniprogram/; TypeScript compiled on upload: project.config.json setting.useCompilerPlugins)`,
    `cloud environment the pages use: ${target.envId} (env.js: ${plan.envModule.split('\n')[1] ?? ''})`,
    `private key: ${describeKey(plan.privateKey, dryRun)}`,
    `files (${plan.files.length}, ${size(plan.bytes)}):`,
    ...describeFiles(plan.files, '  '),
    `left out: ${plan.ignores.join(', ')}`,
    ...describeProblems(plan.problems, 'a version, every page of app.json present'),
    '',
    'WeChat devtools CLI equivalent:',
    `  ${plan.devtoolsCommand}`,
  ];
  return lines;
}

function describeFiles(files: readonly FileEntry[], indent: string): string[] {
  const width = Math.max(0, ...files.map((file) => file.path.length));
  return files.map((file) => `${indent}${file.path.padEnd(width)}  ${String(file.bytes).padStart(9)} bytes`);
}

function describeKey(key: PrivateKey, dryRun: boolean): string {
  if (key.ok) return `${key.path} (from ${key.variable})`;
  return `${key.problem}${dryRun ? ' — a real deploy stops here' : ''}`;
}

function describeProblems(problems: readonly string[], checked: string): string[] {
  if (problems.length === 0) return [`checks: ok (${checked})`];
  return ['', `PROBLEMS (${problems.length}): nothing would be sent until they are fixed`, ...problems.map((problem) => `  - ${problem}`)];
}

function size(bytes: number): string {
  return `${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`;
}
