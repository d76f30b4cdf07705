import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployCheckError } from './errors';
import type { MiniprogramCi } from './miniprogram-ci';
import { MINIPROGRAM_ROOT, writeMiniprogramEnv } from './miniprogram-env';
import type { FunctionsPlan, UploadPlan } from './plan';
import { requirePrivateKey } from './target';

export type Log = (line: string) => void;

/**
 * Uploads each function of the plan with remote npm install, then creates its timer trigger.
 * Everything that can be known locally (key, problems) is checked before `ci` is asked for.
 */
export async function deployFunctions(plan: FunctionsPlan, loadCi: () => MiniprogramCi, log: Log): Promise<void> {
  const key = requirePrivateKey(plan.privateKey);
  if (plan.problems.length > 0) throw new DeployCheckError(plan.problems);
  const ci = loadCi();
  const project = new ci.Project({
    appid: plan.target.appid,
    type: 'miniProgram',
    projectPath: plan.projectPath,
    privateKeyPath: key.path,
    ignores: ['node_modules/**/*'],
  });
  for (const fn of plan.functions) {
    log(`uploading ${fn.name} to ${plan.target.envId} (${fn.files.length} files, ${fn.bytes} bytes, remote npm install)`);
    const result = await ci.cloud.uploadFunction({ project, env: plan.target.envId, name: fn.name, path: fn.dir, remoteNpmInstall: plan.remoteNpmInstall });
    log(`  uploaded: ${result.filesCount} files, ${result.packSize} bytes packed`);
    if (fn.triggers.length > 0) {
      await ci.cloud.createTimeTrigger({
        project,
        envId: plan.target.envId,
        functionName: fn.name,
        triggersConfig: fn.triggers.map((trigger) => ({ name: trigger.name, type: trigger.type, config: trigger.config })),
      });
      log(`  trigger: ${fn.triggers.map((trigger) => `${trigger.name} "${trigger.config}"`).join(', ')}`);
    }
  }
}

/**
 * Uploads the mini program as `version`, with env.js saying the target environment for the
 * duration (the developer's own env.js is put back afterwards).
 */
export async function uploadMiniprogram(plan: UploadPlan, loadCi: () => MiniprogramCi, log: Log): Promise<void> {
  const key = requirePrivateKey(plan.privateKey);
  if (plan.problems.length > 0) throw new DeployCheckError(plan.problems);
  const ci = loadCi();
  const envFile = join(plan.projectPath, MINIPROGRAM_ROOT, 'env.js');
  const previous = existsSync(envFile) ? readFileSync(envFile, 'utf8') : undefined;
  writeMiniprogramEnv(plan.projectPath, plan.target);
  try {
    const project = new ci.Project({
      appid: plan.target.appid,
      type: 'miniProgram',
      projectPath: plan.projectPath,
      privateKeyPath: key.path,
      ignores: plan.ignores,
    });
    log(`uploading mini program ${plan.target.appid} version ${plan.version} (${plan.files.length} files, cloud env ${plan.target.envId})`);
    // useProjectConfig: compile with project.config.json's settings, the TypeScript plugin included.
    await ci.upload({ project, version: plan.version, desc: plan.desc, setting: { useProjectConfig: true } });
    log('uploaded: make it the trial version or submit it for review in the console (版本管理)');
  } finally {
    if (previous !== undefined) writeFileSync(envFile, previous);
  }
}
