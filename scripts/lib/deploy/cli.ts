import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '@wxhub/core';
import { EXAMPLE_CONFIG_FILE, LOCAL_CONFIG_FILE, loadProjectConfig } from '@wxhub/project-config';
import { realDeployProblems } from './real-deploy-checks';
import { parseDeployArgs, USAGE } from './args';
import { DeployCheckError, UsageError } from './errors';
import { loadMiniprogramCi, type MiniprogramCi } from './miniprogram-ci';
import { planFunctionsDeploy, planMiniprogramUpload } from './plan';
import { describePlan } from './report';
import { deployFunctions, uploadMiniprogram } from './run';
import { checkTargetReferences } from './target';

export interface DeployIo {
  readonly root: string;
  readonly env: Env;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** miniprogram-ci, asked for only by a real deploy that passed every check. */
  readonly loadCi?: () => MiniprogramCi;
}

/** `scripts/deploy.ts`: 0 done (or a clean dry run), 1 refused or failed, 2 wrong usage. */
export async function runDeploy(argv: readonly string[], io: DeployIo): Promise<number> {
  try {
    const args = parseDeployArgs(argv);
    if (args === 'help') {
      io.out(USAGE);
      return 0;
    }
    // The configuration is loaded as the local cloud does (no secret needed: none is uploaded),
    // after checking that the app's appid and envId do not come from unset variables.
    const file = args.configFile ?? [LOCAL_CONFIG_FILE, EXAMPLE_CONFIG_FILE].map((name) => join(io.root, name)).find((path) => existsSync(path));
    if (file) checkTargetReferences(file, args.app, io.env, args.envId !== undefined);
    const config = loadProjectConfig({ root: io.root, mode: 'local', env: io.env, file });
    const common = { root: io.root, config, app: args.app, envId: args.envId, env: io.env };
    const plan =
      args.command === 'upload'
        ? planMiniprogramUpload({ ...common, version: args.version, desc: args.desc })
        : planFunctionsDeploy({ ...common, names: args.names });
    io.out(args.json ? JSON.stringify({ dryRun: args.dryRun, ...plan }, null, 2) : describePlan(plan, args.dryRun));
    if (args.dryRun) return plan.problems.length > 0 ? 1 : 0;
    // Before miniprogram-ci is even loaded: nothing may leave the machine for a placeholder appid,
    // with an unset secret or without the key.
    const refusals = realDeployProblems({ root: io.root, configFile: file, appid: plan.target.appid, env: io.env, privateKey: plan.privateKey });
    if (refusals.length > 0) throw new DeployCheckError(refusals);
    const loadCi = io.loadCi ?? (() => loadMiniprogramCi(io.root, io.out));
    if (plan.kind === 'functions') await deployFunctions(plan, loadCi, io.out);
    else await uploadMiniprogram(plan, loadCi, io.out);
    io.out('done');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    io.err(`deploy: ${error instanceof DeployCheckError ? error.message : error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
