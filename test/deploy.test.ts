import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '@wxhub/project-config';
import { runDeploy } from '../scripts/lib/deploy/cli';
import type { MiniprogramCi } from '../scripts/lib/deploy/miniprogram-ci';
import { openapiCalls } from '../scripts/lib/deploy/openapi-scan';
import { planFunctionsDeploy } from '../scripts/lib/deploy/plan';
import { REPO_ROOT } from '@wxhub/test-support';

const BUILT = join(REPO_ROOT, 'build', 'cloudfunctions');
const FAKE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n';

interface Run {
  code: number;
  out: string;
  err: string;
  ciLoaded: boolean;
}

/** runDeploy in-process; a miniprogram-ci that fails the test if a dry run or a refused deploy asks for it. */
async function deploy(argv: string[], options: { root?: string; env?: Record<string, string>; ci?: MiniprogramCi } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let ciLoaded = false;
  const code = await runDeploy(argv, {
    root: options.root ?? REPO_ROOT,
    env: options.env ?? {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    loadCi: () => {
      ciLoaded = true;
      if (!options.ci) throw new Error('miniprogram-ci was asked for');
      return options.ci;
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), ciLoaded };
}

/** Records what a deploy would send WeChat. */
function recordingCi(): { ci: MiniprogramCi; calls: Array<{ api: string; options: Record<string, unknown> }> } {
  const calls: Array<{ api: string; options: Record<string, unknown> }> = [];
  class Project {
    constructor(readonly options: Record<string, unknown>) {
      calls.push({ api: 'Project', options });
    }
  }
  const ci: MiniprogramCi = {
    Project: Project as unknown as MiniprogramCi['Project'],
    upload: async (options) => {
      calls.push({
        api: 'upload',
        options: { ...options, envModule: readFileSync(join(String((options.project as Project).options.projectPath), 'miniprogram', 'env.js'), 'utf8') },
      });
      return {};
    },
    cloud: {
      uploadFunction: async (options) => {
        calls.push({ api: 'uploadFunction', options });
        return { filesCount: 3, packSize: 1000 };
      },
      createTimeTrigger: async (options) => {
        calls.push({ api: 'createTimeTrigger', options });
        return 'ok';
      },
    },
  };
  return { ci, calls };
}

function sourceTriggers(name: string): unknown[] {
  const triggers = (JSON.parse(readFileSync(join(REPO_ROOT, 'cloudfunctions', name, 'config.json'), 'utf8')) as { triggers?: unknown[] }).triggers ?? [];
  expect(triggers).toHaveLength(1);
  return triggers;
}

function configuredFunctions(app: string): string[] {
  const config = loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {} });
  return Object.values(config.functions)
    .filter((fn) => fn.app === app)
    .map((fn) => fn.name)
    .sort();
}

describe('deploy --dry-run on the real project', () => {
  it("lists every built function of B with its files and sizes, refresh_tokens' timer, permissions and the environment, and sends nothing", async () => {
    const run = await deploy(['--dry-run']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.ciLoaded).toBe(false);
    const config = loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {} });
    expect(run.out).toContain(`to environment ${config.apps.B?.envId}`);
    expect(run.out).toContain(`appid ${config.apps.B?.appid}`);
    const names = configuredFunctions('B');
    expect(names).toEqual(expect.arrayContaining(['api', 'ocr', 'refresh_tokens', 'token_status']));
    for (const name of names) {
      expect(run.out).toContain(`${name}  →  ${join(BUILT, name)}`);
      for (const file of ['index.js', 'package.json', 'config.json']) {
        expect(run.out).toMatch(new RegExp(`\\n  ${file.replace('.', '\\.')}\\s+${statSync(join(BUILT, name, file)).size} bytes`));
      }
    }
    const trigger = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'cloudfunctions', 'refresh_tokens', 'config.json'), 'utf8')) as {
        triggers: Array<{ name: string; config: string }>;
      }
    ).triggers[0];
    expect(run.out).toContain(`triggers: ${trigger?.name} (timer "${trigger?.config}")`);
    expect(run.out.match(/openapi permissions: /g)).toHaveLength(names.length);
    expect(run.out).toContain('private key: no private key: set WXHUB_B_PRIVATE_KEY_PATH or WXHUB_PRIVATE_KEY_PATH');
    expect(run.out).toContain(
      `cli cloud functions deploy --env ${config.apps.B?.envId} --names ${names.join(' ')} --remote-npm-install --project ${REPO_ROOT}`,
    );
    expect(run.out).toContain('checks: ok');
    // Environment variables are named, never valued.
    expect(run.out).toContain('A_APPSECRET');
    expect(run.out).not.toContain(String(config.functions.api?.env.A_APPSECRET));
  });

  it('prints the same plan as JSON', async () => {
    const run = await deploy(['--dry-run', '--json', '--app', 'A']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out) as {
      dryRun: boolean;
      target: { app: string };
      remoteNpmInstall: boolean;
      functions: Array<{ name: string; files: Array<{ path: string; bytes: number }> }>;
    };
    expect(plan).toMatchObject({ dryRun: true, target: { app: 'A' }, remoteNpmInstall: true });
    expect(plan.functions.map((fn) => fn.name)).toEqual(configuredFunctions('A'));
    expect(plan.functions[0]?.files.map((file) => file.path)).toEqual(['config.json', 'index.js', 'package.json']);
  });

  it.each(['A', 'B'])("finds no problem in app %s's built functions (config.json, declared triggers, openapi permissions)", (app) => {
    const plan = planFunctionsDeploy({ root: REPO_ROOT, config: loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {} }), app, env: {} });
    expect(plan.problems).toEqual([]);
    expect(plan.functions.map((fn) => fn.name)).toEqual(configuredFunctions(app));
  });

  it('shows the mini program upload: files, version, and the environment the pages will use', async () => {
    const run = await deploy(['upload', '--version', '1.4.0', '--desc', 'token status page', '--env', 'b-env-prod-9z', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.ciLoaded).toBe(false);
    expect(run.out).toContain('version 1.4.0: "token status page"');
    expect(run.out).toContain('CLOUD_ENV: "b-env-prod-9z"');
    for (const file of ['app.json', 'app.ts', 'pages/register/index.wxml', 'pages/token-status/index.ts']) {
      expect(run.out).toMatch(new RegExp(`\\n  ${file.replace(/[./]/g, '\\$&')}\\s+${statSync(join(REPO_ROOT, 'miniprogram', file)).size} bytes`));
    }
    expect(run.out).not.toMatch(/\n {2}test\//);
    expect(run.out).not.toMatch(/\n {2}package\.json/);
    expect(run.out).toContain(`cli upload --project ${REPO_ROOT} --version 1.4.0 --desc 'token status page'`);
  });

  it('runs as `tsx scripts/deploy.ts --dry-run`', () => {
    const output = execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'scripts', 'deploy.ts'), '--dry-run', 'refresh_tokens'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(output).toContain('would deploy 1 cloud function(s) of app B');
    expect(output).toContain('refresh_third_party_tokens');
  });
});

describe('deploy checks built functions against their declaration and code', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-deploy-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  interface FixtureFunction {
    readonly source?: object;
    /** undefined: no config.json in the built folder. */
    readonly built?: object;
    readonly bundle?: string;
  }

  function project(functions: Record<string, FixtureFunction>, apps: object = { B: { appid: 'wxb0000000000000b2', secret: 'x', envId: 'b-env-test' } }): void {
    writeFileSync(
      join(root, 'wxhub.config.example.json'),
      JSON.stringify({ apps, functions: Object.fromEntries(Object.keys(functions).map((name) => [name, { app: 'B' }])) }),
    );
    for (const [name, fn] of Object.entries(functions)) {
      mkdirSync(join(root, 'cloudfunctions', name), { recursive: true });
      if (fn.source) writeFileSync(join(root, 'cloudfunctions', name, 'config.json'), JSON.stringify(fn.source));
      const built = join(root, 'build', 'cloudfunctions', name);
      mkdirSync(built, { recursive: true });
      writeFileSync(join(built, 'index.js'), fn.bundle ?? 'exports.main = async () => ({ errcode: 0 });\n');
      writeFileSync(join(built, 'package.json'), JSON.stringify({ name, main: 'index.js', dependencies: { 'wx-server-sdk': '4.0.2' } }));
      if (fn.built) writeFileSync(join(built, 'config.json'), JSON.stringify(fn.built));
    }
  }

  const timer = { triggers: [{ name: 'hourly', type: 'timer', config: '0 0 * * * * *' }], permissions: { openapi: [] } };
  const plain = { permissions: { openapi: [] } };
  const sendsMessages =
    'const cloud = require("wx-server-sdk");\nexports.main = async (e) => cloud.openapi.customerServiceMessage.send({ touser: e.openid, msgtype: "text", text: { content: "hi" } });\n';

  async function problemsOf(functions: Record<string, FixtureFunction>): Promise<{ run: Run; problems: string[] }> {
    project(functions);
    const run = await deploy(['--dry-run'], { root });
    const plan = planFunctionsDeploy({ root, config: loadProjectConfig({ root, mode: 'local', env: {} }), app: 'B', env: {} });
    return { run, problems: [...plan.problems] };
  }

  it('passes functions built as declared', async () => {
    const { run, problems } = await problemsOf({ tick: { source: timer, built: timer }, plain: { source: plain, built: plain } });
    expect(problems).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('fails a built function without config.json', async () => {
    const { run, problems } = await problemsOf({ plain: { source: plain } });
    expect(problems).toEqual([expect.stringContaining('plain: the built function has no config.json')]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('PROBLEMS (1)');
  });

  it('fails a built function that lacks the trigger its source declares', async () => {
    const { problems } = await problemsOf({ tick: { source: timer, built: plain } });
    expect(problems).toEqual([expect.stringContaining('tick: the built config.json lacks the timer trigger "hourly"')]);
  });

  it('fails a trigger changed or added by a stale build, and a malformed one', async () => {
    expect(
      (await problemsOf({ tick: { source: timer, built: { ...timer, triggers: [{ name: 'hourly', type: 'timer', config: '0 0 2 * * * *' }] } } })).problems,
    ).toEqual([expect.stringContaining('differs')]);
    expect((await problemsOf({ tick: { source: plain, built: timer } })).problems).toEqual([expect.stringContaining('its source does not declare')]);
    const fiveFields = { triggers: [{ name: 'hourly', type: 'timer', config: '0 * * * *' }] };
    expect((await problemsOf({ tick: { source: fiveFields, built: fiveFields } })).problems).toEqual(
      expect.arrayContaining([expect.stringContaining('7-field cron')]),
    );
  });

  it('fails a function whose code calls cloud.openapi.customerServiceMessage.send without declaring it', async () => {
    const { problems } = await problemsOf({ notify: { source: plain, built: plain, bundle: sendsMessages } });
    expect(problems).toEqual([expect.stringMatching(/notify: calls cloud\.openapi\.customerServiceMessage\.send but .*-604101/)]);
    const declared = { permissions: { openapi: ['customerServiceMessage.send'] } };
    expect((await problemsOf({ notify: { source: declared, built: declared, bundle: sendsMessages } })).problems).toEqual([]);
  });

  it('fails a permission declared in the source but lost in the build', async () => {
    const declared = { permissions: { openapi: ['customerServiceMessage.send'] } };
    const { problems } = await problemsOf({ notify: { source: declared, built: plain, bundle: sendsMessages } });
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('lacks the openapi permission "customerServiceMessage.send"')]));
  });

  it('fails a configured function that is not built, and a name that is not configured', async () => {
    project({ plain: { source: plain, built: plain } });
    rmSync(join(root, 'build', 'cloudfunctions', 'plain', 'index.js'));
    const run = await deploy(['--dry-run', 'plain', 'nosuch'], { root });
    expect(run.code).toBe(1);
    expect(run.out).toContain('nosuch: not a function of');
    expect(run.out).toContain('plain: not built');
  });

  it('sends nothing for a real deploy with problems, even with a key', async () => {
    project({ plain: { source: plain } });
    writeFileSync(join(root, 'upload.key'), FAKE_KEY);
    const { ci, calls } = recordingCi();
    const run = await deploy([], { root, env: { WXHUB_PRIVATE_KEY_PATH: join(root, 'upload.key') }, ci });
    expect(run.code).toBe(1);
    expect(run.err).toContain('nothing was sent');
    expect(run.ciLoaded).toBe(false);
    expect(calls).toEqual([]);
  });

  it('finds openapi calls written with optional chaining or brackets', () => {
    expect(openapiCalls('a.openapi?.subscribeMessage?.send(x); b.openapi["wxacode"]["getUnlimited"](y); cloud.openapi.security.msgSecCheck(z)')).toEqual([
      'security.msgSecCheck',
      'subscribeMessage.send',
      'wxacode.getUnlimited',
    ]);
  });
});

describe('deploy refuses before anything is sent', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-deploy-'));
    const plain = { permissions: { openapi: [] } };
    mkdirSync(join(root, 'cloudfunctions', 'plain'), { recursive: true });
    writeFileSync(join(root, 'cloudfunctions', 'plain', 'config.json'), JSON.stringify(plain));
    mkdirSync(join(root, 'build', 'cloudfunctions', 'plain'), { recursive: true });
    writeFileSync(join(root, 'build', 'cloudfunctions', 'plain', 'index.js'), 'exports.main = async () => 1;\n');
    writeFileSync(join(root, 'build', 'cloudfunctions', 'plain', 'package.json'), '{"main":"index.js","dependencies":{"wx-server-sdk":"4.0.2"}}');
    writeFileSync(join(root, 'build', 'cloudfunctions', 'plain', 'config.json'), JSON.stringify(plain));
    writeFileSync(join(root, 'upload.key'), FAKE_KEY);
    writeFileSync(join(root, 'not-a-key.txt'), 'hello');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function configure(app: object): void {
    writeFileSync(join(root, 'wxhub.config.example.json'), JSON.stringify({ apps: { B: app }, functions: { plain: { app: 'B' } } }));
  }

  const good = { appid: 'wxb0000000000000b2', secret: 'x', envId: 'b-env-test' };

  it.each([
    ['no key variable', {}, /WXHUB_B_PRIVATE_KEY_PATH or WXHUB_PRIVATE_KEY_PATH/],
    ['a key path that is not a file', { WXHUB_PRIVATE_KEY_PATH: '/nonexistent/upload.key' }, /not a file/],
    ['a key file that is not a private key', { WXHUB_PRIVATE_KEY_PATH: 'not-a-key.txt' }, /not a PEM private key/],
  ])('a missing key: %s', async (_why, env, message) => {
    configure(good);
    const resolved = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.startsWith('/') ? value : join(root, value)]));
    const { ci, calls } = recordingCi();
    const run = await deploy([], { root, env: resolved, ci });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(message);
    expect(run.ciLoaded).toBe(false);
    expect(calls).toEqual([]);
  });

  it.each([
    ['an app that is not configured', good, ['--app', 'Z'], /apps\.Z.*no appid/],
    ['an appid from an unset variable', { ...good, appid: '${WXHUB_B_APPID}' }, [], /apps\.B\.appid.*WXHUB_B_APPID.*not set/],
    ['an environment from an unset variable', { ...good, envId: '${WXHUB_B_ENV}' }, [], /apps\.B\.envId.*WXHUB_B_ENV.*not set/],
    ['an empty --env', good, ['--env', ''], /--env.*empty/],
    ['a malformed --env', good, ['--env', 'no spaces allowed'], /--env.*not a cloud environment id/],
  ])('a missing appid or environment: %s', async (_why, app, argv, message) => {
    configure(app);
    const { ci, calls } = recordingCi();
    const run = await deploy(argv, { root, env: { WXHUB_PRIVATE_KEY_PATH: join(root, 'upload.key') }, ci });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(message);
    expect(calls).toEqual([]);
    // A dry run cannot say where it would deploy either.
    expect((await deploy([...argv, '--dry-run'], { root })).code).toBe(1);
  });

  it('wrong usage answers 2 with the usage', async () => {
    configure(good);
    const run = await deploy(['upload', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('upload needs --version');
    expect((await deploy(['--bogus'])).code).toBe(2);
    // `pnpm wxdeploy --dry-run` hands the separator on.
    expect((await deploy(['--', '--dry-run', 'plain'], { root })).code).toBe(0);
  });
});

/** The example configuration made the user's own: real-looking appids, for `--config`. */
const OWN_APPIDS: Readonly<Record<string, string>> = { wxa0000000000000a1: 'wx1a2b3c4d5e6f7a8b', wxb0000000000000b2: 'wx9f8e7d6c5b4a3f2e' };
const SECRETS_SET = { WXHUB_A_SECRET: 'set-in-ci-a', WXHUB_B_SECRET: 'set-in-ci-b', WXHUB_BAIDU_OCR_AK: 'set-in-ci-ak', WXHUB_BAIDU_OCR_SK: 'set-in-ci-sk' };
function ownConfig(dir: string): string {
  let text = readFileSync(join(REPO_ROOT, 'wxhub.config.example.json'), 'utf8');
  for (const [placeholder, own] of Object.entries(OWN_APPIDS)) text = text.split(placeholder).join(own);
  const file = join(dir, 'wxhub.config.own.json');
  writeFileSync(file, text);
  return file;
}

describe('a real deploy refuses before anything is sent (issue 10, item 14)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-deploy-refuse-'));
    writeFileSync(join(root, 'upload.key'), FAKE_KEY);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("the example's placeholder appid and its unset ${…} secrets: refused, miniprogram-ci never loaded", async () => {
    const { ci, calls } = recordingCi();
    const run = await deploy(['--app', 'B'], { env: { WXHUB_B_PRIVATE_KEY_PATH: join(root, 'upload.key') }, ci });
    expect(run.code).toBe(1);
    expect(run.err).toContain('nothing was sent');
    expect(run.err).toContain('appid wxb0000000000000b2 is the placeholder');
    expect(run.err).toContain('WXHUB_A_SECRET, WXHUB_BAIDU_OCR_AK, WXHUB_BAIDU_OCR_SK, WXHUB_B_SECRET');
    expect([run.ciLoaded, calls]).toEqual([false, []]);
  });

  it("a missing key and one unset secret are refused too, even with the appid made the user's own", async () => {
    const { ci } = recordingCi();
    const { WXHUB_BAIDU_OCR_SK: _unset, ...someSecrets } = SECRETS_SET;
    void _unset;
    const run = await deploy(['--app', 'B', '--config', ownConfig(root)], { env: someSecrets, ci });
    expect(run.code).toBe(1);
    expect(run.err).toContain('unset in the environment (the configuration refers to them): WXHUB_BAIDU_OCR_SK');
    expect(run.err).toContain('no private key');
    expect(run.err).not.toContain('placeholder');
    expect(run.ciLoaded).toBe(false);
  });

  it("the openapi scan finds push_reply's customerServiceMessage.send (read through a variable) in the built bundle", () => {
    expect(openapiCalls(readFileSync(join(BUILT, 'push_reply', 'index.js'), 'utf8'))).toContain('customerServiceMessage.send');
    expect(openapiCalls('const cs = cloud.openapi.customerServiceMessage;\nawait cs.send(x);')).toEqual(['customerServiceMessage.send']);
    expect(openapiCalls('const { security, wxacode: code } = cloud.openapi;\nsecurity.msgSecCheck(a); code.getUnlimited(b);')).toEqual([
      'security.msgSecCheck',
      'wxacode.getUnlimited',
    ]);
  });
});

describe('a real deploy, with miniprogram-ci recorded instead of reaching WeChat', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-deploy-'));
    writeFileSync(join(root, 'upload.key'), FAKE_KEY);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('uploads every function of the app with remote npm install, then creates the timer trigger', async () => {
    const { ci, calls } = recordingCi();
    const env = { WXHUB_B_PRIVATE_KEY_PATH: join(root, 'upload.key'), ...SECRETS_SET };
    const configFile = ownConfig(root);
    const run = await deploy(['--env', 'b-env-staging', '--config', configFile], { env, ci });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const names = configuredFunctions('B');
    const appid = loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {}, file: configFile }).apps.B?.appid;
    expect(appid).toBe('wx9f8e7d6c5b4a3f2e');
    expect(calls[0]).toEqual({
      api: 'Project',
      options: expect.objectContaining({ appid, type: 'miniProgram', projectPath: REPO_ROOT, privateKeyPath: join(root, 'upload.key') }),
    });
    expect(calls.filter((call) => call.api === 'uploadFunction').map((call) => call.options)).toEqual(
      names.map((name) => ({ project: expect.anything(), env: 'b-env-staging', name, path: join(BUILT, name), remoteNpmInstall: true })),
    );
    expect(calls.filter((call) => call.api === 'createTimeTrigger').map((call) => call.options)).toEqual([
      { project: expect.anything(), envId: 'b-env-staging', functionName: 'refresh_tokens', triggersConfig: sourceTriggers('refresh_tokens') },
    ]);
    expect(run.out).not.toContain(FAKE_KEY.split('\n')[1]);
  });

  it('uploads the mini program with its version, the target environment in env.js, then restores env.js', async () => {
    cpSync(join(REPO_ROOT, 'miniprogram'), join(root, 'miniprogram'), { recursive: true, filter: (path) => !path.includes('node_modules') });
    cpSync(join(REPO_ROOT, 'project.config.json'), join(root, 'project.config.json'));
    cpSync(join(REPO_ROOT, 'wxhub.config.example.json'), join(root, 'wxhub.config.example.json'));
    writeFileSync(join(root, 'miniprogram', 'env.js'), 'module.exports = { CLOUD_ENV: "dev" };\n');
    const { ci, calls } = recordingCi();
    const run = await deploy(['upload', '--version', '2.0.1', '--desc', 'pages', '--env', 'b-env-prod-9z', '--config', ownConfig(root)], {
      root,
      env: { WXHUB_PRIVATE_KEY_PATH: join(root, 'upload.key'), ...SECRETS_SET },
      ci,
    });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const upload = calls.find((call) => call.api === 'upload');
    expect(upload?.options).toMatchObject({
      version: '2.0.1',
      desc: 'pages',
      setting: { useProjectConfig: true },
      envModule: expect.stringContaining('CLOUD_ENV: "b-env-prod-9z"'),
    });
    expect(calls[0]?.options).toMatchObject({ projectPath: root, ignores: expect.arrayContaining(['miniprogram/test/**/*']) });
    expect(readFileSync(join(root, 'miniprogram', 'env.js'), 'utf8')).toContain('"dev"');
  });
});

describe('deploy --dry-run: collection permissions (set by hand in the console)', () => {
  it("lists what to set for wxhub's own collections, agreeing with the configuration", async () => {
    const run = await deploy(['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('database permissions to set in the console');
    expect(run.out).toMatch(/\n {2}token: ADMINONLY — 所有用户不可读写 \(admin only\); holds A's access token .*; used by api \[configured so\]/);
    expect(run.out).toMatch(/\n {2}setconfig: ADMINONLY — .*used by refresh_tokens, token_status, ocr \[configured so\]/);
    expect(run.out).toMatch(/\n {2}registrations: PRIVATE — 仅创建者可读写 .*used by miniprogram\/pages\/register \[configured so\]/);
    expect(run.out).toContain('checks: ok');
    const a = await deploy(['--dry-run', '--app', 'A']);
    expect(a.out).toMatch(/\n {2}users: ADMINONLY — .*used by users_add \[configured so\]/);
  });

  it('reports a misconfigured collection as a problem, and nothing is sent', () => {
    const config = loadProjectConfig({ root: REPO_ROOT, mode: 'local', env: {} });
    const B = config.apps.B;
    if (!B?.permissions) throw new Error('the example configuration sets B.permissions');
    const misconfigured = {
      ...config,
      apps: { ...config.apps, B: { ...B, permissions: { ...B.permissions, database: { ...B.permissions.database, token: 'READONLY' as const } } } },
    };
    const plan = planFunctionsDeploy({ root: REPO_ROOT, config: misconfigured, app: 'B', env: {} });
    expect(plan.problems).toEqual([
      expect.stringMatching(
        /^permission of collection token \(B, b-env-3d4e5f\): the configuration sets "READONLY", but it must be ADMINONLY .* because it holds A's access token/,
      ),
    ]);
    expect(plan.permissions.steps.find((step) => step.collection === 'token')).toMatchObject({ mode: 'ADMINONLY', configured: 'READONLY' });
  });
});
