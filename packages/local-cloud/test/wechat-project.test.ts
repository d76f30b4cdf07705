import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { discoverFunctions, ensureDependencies, readDevConfig, readProjectFile, scanSource, startWechatProjectCloud } from '../src/wechat-project';
import { startWechatDevServer } from '../src/dev';
import { npmEnv, startFakeRegistry, type FakeRegistry } from './support/fake-registry';

jest.setTimeout(120_000);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wxhub-wechat-project-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

/** A loopback port nothing listens on (a registry that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('project.config.json and function folders', () => {
  it('reads appid, projectname and cloudfunctionRoot; a project without cloudfunctionRoot is refused naming it', () => {
    write(join(scratch, 'project.config.json'), JSON.stringify({ appid: 'wx1', projectname: 'shop', cloudfunctionRoot: 'cf/', miniprogramRoot: 'mp/' }));
    mkdirSync(join(scratch, 'cf'));
    expect(readProjectFile(scratch)).toEqual({
      root: scratch,
      appid: 'wx1',
      name: 'shop',
      functionsRoot: join(scratch, 'cf'),
      miniprogramRoot: join(scratch, 'mp'),
    });
    write(join(scratch, 'project.config.json'), JSON.stringify({ appid: 'wx1' }));
    expect(() => readProjectFile(scratch)).toThrow(ConfigError);
    expect(() => readProjectFile(scratch)).toThrow(/cloudfunctionRoot: is not set/);
  });

  it('finds every folder with an index.js (or package.json main); shared folders and node_modules are not functions', () => {
    write(join(scratch, 'a', 'index.js'), 'exports.main = async () => 1;');
    write(join(scratch, 'b', 'package.json'), JSON.stringify({ main: 'dist/entry.js', dependencies: { dayjs: '^1.11.0' } }));
    write(join(scratch, 'b', 'dist', 'entry.js'), 'exports.main = async () => 2;');
    write(join(scratch, 'common', 'util.js'), '');
    write(join(scratch, 'node_modules', 'x', 'index.js'), '');
    expect(discoverFunctions(scratch)).toEqual([
      { name: 'a', dir: join(scratch, 'a'), entry: join(scratch, 'a', 'index.js'), dependencies: {} },
      { name: 'b', dir: join(scratch, 'b'), entry: join(scratch, 'b', 'dist', 'entry.js'), dependencies: { dayjs: '^1.11.0' } },
    ]);
  });
});

describe("wxhub.dev.json's permissions (the console's settings of the project's environments)", () => {
  it('reads modes and rules per collection and the storage mode; a wrong shape is refused naming the field', () => {
    const file = join(scratch, 'wxhub.dev.json');
    write(
      file,
      JSON.stringify({ permissions: { database: { orders: { read: 'doc._openid == auth.openid', write: false }, logs: 'ADMINONLY' }, storage: 'PRIVATE' } }),
    );
    expect(readDevConfig(scratch).permissions).toEqual({
      database: { orders: { read: 'doc._openid == auth.openid', write: false }, logs: 'ADMINONLY' },
      storage: 'PRIVATE',
    });
    write(file, JSON.stringify({}));
    expect(readDevConfig(scratch).permissions).toBeUndefined();
    write(file, JSON.stringify({ permissions: { database: { orders: 'PUBLIC' } } }));
    expect(() => readDevConfig(scratch)).toThrow(ConfigError);
    expect(() => readDevConfig(scratch)).toThrow(/wxhub\.dev\.json permissions\.database\.orders: must be one of READONLY, PRIVATE, ADMINWRITE, ADMINONLY/);
    write(file, JSON.stringify({ permissions: { storage: { read: 1 } } }));
    expect(() => readDevConfig(scratch)).toThrow(/permissions\.storage\.read: must be true, false or a rule expression/);
  });

  it('the project cloud holds every environment of the project to them; a rule that does not parse stops the start with its position', async () => {
    write(join(scratch, 'project.config.json'), JSON.stringify({ appid: 'wx1', cloudfunctionRoot: 'cf/' }));
    write(join(scratch, 'cf', 'f', 'index.js'), "const cloud = require('wx-server-sdk'); cloud.init({ env: 'own-env' }); exports.main = async () => 1;");
    write(join(scratch, 'wxhub.dev.json'), JSON.stringify({ permissions: { database: { orders: 'READONLY' }, storage: 'ADMINONLY' } }));
    const project = await startWechatProjectCloud({ projects: [scratch], port: 0, install: { skip: true } });
    try {
      expect(project.cloud.permissions.collection('own-env', 'orders')).toEqual({ kind: 'simple', mode: 'READONLY' });
      expect(project.cloud.permissions.storage('own-env')).toEqual({ kind: 'simple', mode: 'ADMINONLY' });
      expect(project.cloud.permissions.collection('own-env', 'other')).toEqual({ kind: 'simple', mode: 'PRIVATE' });
    } finally {
      await project.cloud.stop();
    }
    write(join(scratch, 'wxhub.dev.json'), JSON.stringify({ permissions: { database: { orders: { read: 'doc._openid == ' } } } }));
    await expect(startWechatProjectCloud({ projects: [scratch], port: 0, install: { skip: true } })).rejects.toThrow(/orders.*read.*(position|character|at) /i);
  });
});

describe("wxhub.dev.json's indexes (the console's 索引管理)", () => {
  it('every environment of the project gets them (geoNear needs its 2dsphere one); a key the console does not offer is refused', async () => {
    write(join(scratch, 'project.config.json'), JSON.stringify({ appid: 'wx1', cloudfunctionRoot: 'cf/' }));
    write(join(scratch, 'cf', 'f', 'index.js'), "const cloud = require('wx-server-sdk'); cloud.init({ env: 'own-env' }); exports.main = async () => 1;");
    write(join(scratch, 'wxhub.dev.json'), JSON.stringify({ indexes: { shops: { location: '2dsphere', city: -1 } } }));
    const project = await startWechatProjectCloud({ projects: [scratch], port: 0, install: { skip: true } });
    try {
      expect(project.cloud.backend.database('own-env').indexes.describe()).toEqual({ shops: { location: '2dsphere', city: -1 } });
      expect(project.cloud.backend.database('own-env').indexes.geoFields('shops')).toEqual(['location']);
    } finally {
      await project.cloud.stop();
    }
    write(join(scratch, 'wxhub.dev.json'), JSON.stringify({ indexes: { shops: ['location'] } }));
    expect(() => readDevConfig(scratch)).toThrow(/wxhub\.dev\.json indexes\.shops: must be \{field/);
  });
});

describe('what a function names in its code', () => {
  it('env ids in cloud.init (string, template, per-service object), not in comments, strings or DYNAMIC_CURRENT_ENV', () => {
    write(
      join(scratch, 'index.js'),
      [
        "const cloud = require('wx-server-sdk');",
        "// cloud.init({ env: 'in-a-comment' })",
        'const text = "cloud.init({ env: \'in-a-string\' })";',
        "cloud.init({ env: 'prod-1a2b' });",
        'cloud.init({ env: `tmpl-9z` });',
        "cloud.init({ env: { database: 'db-env', functions: 'fn-env' } });",
        'cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });',
        'exports.main = async () => [process.env.SHOP_NAME, process.env["API_KEY"], process.env.WX_OPENID];',
      ].join('\n'),
    );
    write(join(scratch, 'node_modules', 'dep', 'index.js'), "cloud.init({ env: 'from-a-dependency' })");
    expect(scanSource(scratch)).toEqual({ envIds: ['db-env', 'fn-env', 'prod-1a2b', 'tmpl-9z'], variables: ['API_KEY', 'SHOP_NAME', 'WX_OPENID'] });
  });
});

describe('installing a function’s own dependencies', () => {
  let registry: FakeRegistry | undefined;
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });

  const fn = (dependencies: Record<string, string>) => {
    const dir = join(scratch, 'fn');
    write(join(dir, 'package.json'), JSON.stringify({ name: 'fn', version: '1.0.0', dependencies }));
    write(join(dir, 'index.js'), "exports.main = async () => require('tiny-pkg').answer;");
    return { name: 'fn', dir, entry: join(dir, 'index.js'), dependencies };
  };

  it('installs from the registry once, then reuses the install while package.json and the lockfile stay the same', async () => {
    registry = await startFakeRegistry([{ name: 'tiny-pkg', version: '1.0.0', files: { 'index.js': 'exports.answer = 42;' } }]);
    const env = npmEnv(registry.url, join(scratch, 'npm-cache'));
    const target = fn({ 'tiny-pkg': '1.0.0' });
    expect(await ensureDependencies(target, { env })).toMatchObject({ functionName: 'fn', status: 'installed' });
    const requests = registry.requests();
    expect(await ensureDependencies(target, { env })).toMatchObject({ status: 'cached' });
    expect(registry.requests()).toBe(requests);
  });

  it('names the version that is gone from the registry', async () => {
    registry = await startFakeRegistry([]);
    const outcome = await ensureDependencies(fn({ 'left-pad-gone': '0.0.9' }), { env: npmEnv(registry.url, join(scratch, 'npm-cache')) });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(/left-pad-gone.* is not in the registry/);
  });

  it('names the registry that is unreachable', async () => {
    const port = await closedPort();
    const outcome = await ensureDependencies(fn({ 'tiny-pkg': '1.0.0' }), { env: npmEnv(`http://127.0.0.1:${port}/`, join(scratch, 'npm-cache')) });
    expect(outcome).toMatchObject({ status: 'failed', message: `the registry 127.0.0.1:${port} is unreachable` });
  });

  it('stops an install whose registry hangs, and says so (never a silent hang)', async () => {
    registry = await startFakeRegistry([], { hang: true });
    const outcome = await ensureDependencies(fn({ 'tiny-pkg': '1.0.0' }), { env: npmEnv(registry.url, join(scratch, 'npm-cache')), timeoutMs: 3000 });
    expect(outcome).toMatchObject({ status: 'failed', message: 'npm install did not finish within 3 s (a registry that hangs?) and was stopped' });
  });

  it('falls back to package.json when the lockfile names a mirror that is gone, and says so', async () => {
    registry = await startFakeRegistry([{ name: 'tiny-pkg', version: '1.0.0', files: { 'index.js': 'exports.answer = 42;' } }]);
    const deadMirror = `http://127.0.0.1:${await closedPort()}`;
    const target = fn({ 'tiny-pkg': '^1.0.0' });
    write(
      join(target.dir, 'package-lock.json'),
      JSON.stringify({
        name: 'fn',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'fn', version: '1.0.0', dependencies: { 'tiny-pkg': '^1.0.0' } },
          'node_modules/tiny-pkg': { version: '1.0.0', resolved: `${deadMirror}/tiny-pkg/-/tiny-pkg-1.0.0.tgz` },
        },
      }),
    );
    const outcome = await ensureDependencies(target, { env: npmEnv(registry.url, join(scratch, 'npm-cache')) });
    expect(outcome.status).toBe('installed');
    expect(outcome.message).toMatch(/unreachable; installed from package.json's version ranges instead of package-lock.json \(fallback\)$/);
  });
});

describe('a project on the local cloud as SCF runs it', () => {
  it('runs each function from its folder: NODE_PATH with the function root, SCF variables, .env.local, env ids from the code', async () => {
    const root = join(scratch, 'proj');
    write(join(root, 'project.config.json'), JSON.stringify({ appid: 'wxproj0000000001', projectname: 'proj', cloudfunctionRoot: 'cloudfunctions/' }));
    write(join(root, 'wxhub.dev.json'), JSON.stringify({ env: { SHARED: 'from wxhub.dev.json' } }));
    const dir = join(root, 'cloudfunctions', 'probe');
    write(join(dir, 'lib', 'helper.js'), "exports.where = 'lib/helper via NODE_PATH';");
    write(join(dir, '.env.local'), 'API_KEY=local-key\n');
    write(
      join(dir, 'index.js'),
      [
        '// Never called: the env id is only named, as real projects name theirs.',
        "function unused(cloud) { cloud.init({ env: 'prod-77' }); }",
        "const helper = require('lib/helper');",
        'exports.main = async (event, context) => ({',
        '  helper: helper.where, cwd: process.cwd(), env: process.env.SCF_NAMESPACE, name: process.env.SCF_FUNCTIONNAME,',
        '  key: process.env.API_KEY, shared: process.env.SHARED, missing: process.env.NOT_SET_ANYWHERE, fn: context.function_name,',
        '});',
      ].join('\n'),
    );
    const project = await startWechatProjectCloud({ projects: [root], port: 0, runtime: { idleCheckIntervalMs: 0 } });
    try {
      expect(project.projects[0]).toMatchObject({
        envIds: ['prod-77'],
        namedInCode: ['prod-77'],
        app: { name: 'proj', appid: 'wxproj0000000001', envId: 'prod-77' },
      });
      expect(project.functions()).toMatchObject([{ key: 'proj/probe', install: { status: 'none' }, unsetVariables: ['NOT_SET_ANYWHERE'] }]);
      const { result } = await project.cloud.functions.invoke({ envId: 'prod-77', name: 'probe', event: {} });
      expect(result).toEqual({
        helper: 'lib/helper via NODE_PATH',
        cwd: dir,
        env: 'prod-77',
        name: 'probe',
        key: 'local-key',
        shared: 'from wxhub.dev.json',
        fn: 'probe',
      });
    } finally {
      await project.cloud.stop();
    }
  });
});

describe('a function whose dependencies are not there', () => {
  it('reports the missing module by name to the caller, with the install failure named at start', async () => {
    const root = join(scratch, 'broken');
    write(join(root, 'project.config.json'), JSON.stringify({ appid: 'wxbroken00000001', cloudfunctionRoot: 'cf/' }));
    const dir = join(root, 'cf', 'needsDayjs');
    write(join(dir, 'package.json'), JSON.stringify({ name: 'needsDayjs', dependencies: { dayjs: '1.11.10' } }));
    write(join(dir, 'index.js'), "const dayjs = require('dayjs');\nexports.main = async () => dayjs(0).year();");
    const port = await closedPort();
    const project = await startWechatProjectCloud({
      projects: [root],
      port: 0,
      runtime: { idleCheckIntervalMs: 0 },
      install: { env: npmEnv(`http://127.0.0.1:${port}/`, join(scratch, 'npm-cache')) },
    });
    try {
      expect(project.functions()[0]?.install).toMatchObject({
        functionName: 'needsDayjs',
        status: 'failed',
        message: `the registry 127.0.0.1:${port} is unreachable`,
      });
      const envId = project.projects[0]?.app.envId as string;
      await project.cloud.functions.prewarm(envId, 'needsDayjs');
      await expect(project.cloud.functions.invoke({ envId, name: 'needsDayjs', event: {} })).rejects.toThrow(/Cannot find module 'dayjs'/);
    } finally {
      await project.cloud.stop();
    }
  });
});

describe("wxhub dev's loop", () => {
  it('redeploys a function when its files change; a change it cannot deploy is reported and the last version keeps serving', async () => {
    const root = join(scratch, 'loop');
    write(join(root, 'project.config.json'), JSON.stringify({ appid: 'wxloop0000000001', projectname: 'loop', cloudfunctionRoot: 'cloudfunctions/' }));
    const dir = join(root, 'cloudfunctions', 'version');
    write(join(dir, 'index.js'), "exports.main = async () => 'v1';");
    const server = await startWechatDevServer({ projects: [root], port: 0, debounceMs: 50, triggers: { intervalMs: 0 }, runtime: { idleCheckIntervalMs: 0 } });
    // The next `redeploy` event that matches (a file write may be seen as more than one change).
    const redeploy = (matches: (event: RedeployEvent) => boolean): Promise<RedeployEvent> =>
      new Promise((resolve) => {
        const listener = (event: RedeployEvent): void => {
          if (!matches(event)) return;
          server.events.off('redeploy', listener);
          resolve(event);
        };
        server.events.on('redeploy', listener);
      });
    try {
      await server.warm;
      const envId = server.project.projects[0]!.envIds[0] as string;
      const call = async (): Promise<unknown> => (await server.cloud.functions.invoke({ envId, name: 'version', event: {} })).result;
      expect(await call()).toBe('v1');

      const redeployed = redeploy((event) => event.function !== undefined);
      write(join(dir, 'index.js'), "exports.main = async () => 'v2';");
      expect(await redeployed).toMatchObject({ function: { key: 'loop/version' } });
      expect(await call()).toBe('v2');

      const refused = redeploy((event) => event.error !== undefined);
      write(join(dir, 'config.json'), '{ "timeout": ');
      expect(await refused).toMatchObject({ key: 'loop/version', error: expect.any(String) });
      expect(await call()).toBe('v2');
    } finally {
      await server.stop();
    }
  });
});

interface RedeployEvent {
  readonly function?: { readonly key: string };
  readonly key?: string;
  readonly error?: string;
}
