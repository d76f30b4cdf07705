import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '@wxhub/project-config';
import { LOCAL_SECRETS_FILE, localSecretsEnv } from '../src';

// The invented local secrets every local process shares through .local-cloud/secrets.json.

let root: string;
let configFile: string;

const config = (apps: Record<string, { secret: string }>) =>
  JSON.stringify({
    apps: Object.fromEntries(
      Object.entries(apps).map(([name, app], i) => [name, { appid: `wx${String(i).repeat(16)}`, secret: app.secret, envId: `${name.toLowerCase()}-env` }]),
    ),
  });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wxhub-secrets-'));
  configFile = join(root, 'wxhub.config.local.json');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

test('unset references get invented values that later processes read back, in a file only the owner can read', () => {
  writeFileSync(configFile, config({ A: { secret: '${T_A_SECRET}' }, B: { secret: '${T_B_SECRET}' } }));
  const first = localSecretsEnv({ root, configFile, env: {} });
  expect(first.T_A_SECRET).toMatch(/^local[0-9a-f]{24}$/);
  expect(first.T_B_SECRET).not.toBe(first.T_A_SECRET);
  const again = localSecretsEnv({ root, configFile, env: {} });
  expect(again).toEqual(first);
  // Loading the configuration with it gives every process the same secrets.
  const loaded = loadProjectConfig({ root, mode: 'local', env: again, file: configFile });
  expect(loaded.apps.A?.secret).toBe(first.T_A_SECRET);
  expect(statSync(join(root, LOCAL_SECRETS_FILE)).mode & 0o777).toBe(0o600);
});

test('what the environment sets wins and is never written to the file', () => {
  writeFileSync(configFile, config({ A: { secret: '${T_A_SECRET}' }, B: { secret: '${T_B_SECRET}' } }));
  const env = localSecretsEnv({ root, configFile, env: { T_A_SECRET: 'from-the-shell' } });
  expect(env.T_A_SECRET).toBe('from-the-shell');
  const file = readFileSync(join(root, LOCAL_SECRETS_FILE), 'utf8');
  expect(file).not.toContain('from-the-shell');
  expect(Object.keys((JSON.parse(file) as { values: object }).values)).toEqual(['T_B_SECRET']);
});

test('a reference added later is invented without changing the existing ones', () => {
  writeFileSync(configFile, config({ A: { secret: '${T_A_SECRET}' } }));
  const before = localSecretsEnv({ root, configFile, env: {} });
  writeFileSync(configFile, config({ A: { secret: '${T_A_SECRET}' }, C: { secret: '${T_C_SECRET}' } }));
  const after = localSecretsEnv({ root, configFile, env: {} });
  expect(after.T_A_SECRET).toBe(before.T_A_SECRET);
  expect(after.T_C_SECRET).toMatch(/^local[0-9a-f]{24}$/);
});

test('a damaged file is a configuration error naming it', () => {
  writeFileSync(configFile, config({ A: { secret: '${T_A_SECRET}' } }));
  localSecretsEnv({ root, configFile, env: {} });
  writeFileSync(join(root, LOCAL_SECRETS_FILE), '{oops');
  expect(() => localSecretsEnv({ root, configFile, env: {} })).toThrow(/secrets\.json.*not valid JSON/);
});
