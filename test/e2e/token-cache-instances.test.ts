import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { LocalCloud } from '@wxhub/local-cloud';
import { testedNodeRuntimes } from '@wxhub/test-support';

const A = { name: 'A', appid: 'wxa0000000000000a1', secret: 'a-local-secret-for-tests', envId: 'a-env-tokens' };
const outDir = mkdtempSync(join(tmpdir(), 'wxhub-token-instance-'));

beforeAll(() => {
  buildSync({
    entryPoints: [join(__dirname, '..', 'fixtures', 'token-instance', 'index.ts')],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node16.13',
    format: 'cjs',
    external: ['wx-server-sdk'],
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/**
 * Several function instances (separate processes, the real wx-server-sdk) share the `token`
 * collection of one environment; the WeChat emulator's issue counter is the witness. The cap is
 * raised to 5 instances so that every concurrent invocation has its own process, as on WeChat.
 */
describe.each(testedNodeRuntimes())('token cache across function instances on Node $version', ({ binary }) => {
  let cloud: LocalCloud;

  beforeEach(async () => {
    cloud = await LocalCloud.start({ apps: [A], runtime: { nodeBinary: binary, idleCheckIntervalMs: 0, maxInstancesPerFunction: 5 } });
  });
  afterEach(async () => {
    await cloud.stop();
  });

  function deploy(endpoint: 'token' | 'stable'): void {
    cloud.functions.register({
      envId: A.envId,
      name: 'token_instance',
      dir: outDir,
      backendUrl: cloud.sdkBackendUrl,
      timeoutMs: 20_000,
      env: { TOKEN_APPID: A.appid, TOKEN_SECRET: A.secret, TOKEN_ENDPOINT: endpoint, WECHAT_API_BASE: cloud.wechatApiBase },
    });
  }

  const getFromInstances = async (instances: number, perInstance: number, invalidate?: string) => {
    const runs = await Promise.all(
      Array.from({ length: instances }, () => cloud.functions.invoke({ envId: A.envId, name: 'token_instance', event: { count: perInstance, invalidate } })),
    );
    return runs.flatMap((run) => (run.result as { tokens: string[] }).tokens);
  };

  it('50 concurrent gets in 5 instances cause one cgi-bin/token fetch', async () => {
    deploy('token');
    const tokens = await getFromInstances(5, 10);
    expect(tokens).toHaveLength(50);
    expect(new Set(tokens).size).toBe(1);
    expect(cloud.functions.instances(A.envId, 'token_instance')).toBe(5);
    expect(cloud.wechat.issuedTokens(A.appid, 'token')).toBe(1);
    const [stored] = cloud.backend.database(A.envId).find('token', { _id: A.appid });
    expect(stored).toMatchObject({ _id: A.appid, access_token: tokens[0], expires_in: expect.any(Number) });
  });

  it('a rejected token is replaced once, however many instances report it', async () => {
    deploy('stable');
    const [first] = await getFromInstances(3, 2);
    expect(cloud.wechat.issuedTokens(A.appid, 'stable_token')).toBe(1);
    const replaced = await getFromInstances(3, 5, first);
    expect(new Set(replaced).size).toBe(1);
    expect(replaced[0]).not.toBe(first);
    expect(cloud.wechat.issuedTokens(A.appid, 'stable_token')).toBe(2);
  });
});
