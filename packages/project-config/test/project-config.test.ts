import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { loadProjectConfig } from '../src';

const repoRoot = join(__dirname, '..', '..', '..');

function withConfig(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxhub-config-'));
  writeFileSync(join(dir, 'wxhub.config.local.json'), JSON.stringify(content));
  return dir;
}

describe('loadProjectConfig', () => {
  it('reads the committed example, inventing one local value per unset variable', () => {
    const config = loadProjectConfig({ root: repoRoot, mode: 'local', env: {} });
    const a = config.apps.A;
    expect(a?.appid).toMatch(/^wx[0-9a-f]{16}$/);
    expect(a?.secret).toMatch(/^local[0-9a-f]{24}$/);
    // The api function's copy of A's secret is the same invented value.
    expect(config.functions.api?.env.A_APPSECRET).toBe(a?.secret);
    expect(config.functions.api?.app).toBe('B');
  });

  it('takes values from the environment', () => {
    const config = loadProjectConfig({ root: repoRoot, mode: 'local', env: { WXHUB_A_SECRET: 'from-env-secret' } });
    expect(config.apps.A?.secret).toBe('from-env-secret');
  });

  it('refuses an unset variable for a deployment, naming the setting but no value', () => {
    expect(() => loadProjectConfig({ root: repoRoot, mode: 'deploy', env: {} })).toThrow(ConfigError);
    expect(() => loadProjectConfig({ root: repoRoot, mode: 'deploy', env: {} })).toThrow(/apps\.A\.secret.*WXHUB_A_SECRET/);
  });

  it('prefers wxhub.config.local.json and validates it', () => {
    const dir = withConfig({ apps: { A: { appid: 'not-an-appid', secret: 's', envId: 'e' } } });
    expect(() => loadProjectConfig({ root: dir, mode: 'local', env: {} })).toThrow(/apps\.A\.appid/);
    const unknownApp = withConfig({ apps: {}, functions: { f: { app: 'Z' } } });
    expect(() => loadProjectConfig({ root: unknownApp, mode: 'local', env: {} })).toThrow(/functions\.f\.app.*Z/);
  });

  it("reads an app's collection indexes and refuses an index key the console does not offer", () => {
    const app = { appid: 'wx0123456789abcdef', secret: 's', envId: 'e' };
    const dir = withConfig({ apps: { A: { ...app, indexes: { shops: { location: '2dsphere', city: 1 } } } } });
    expect(loadProjectConfig({ root: dir, mode: 'local', env: {} }).apps.A?.indexes).toEqual({ shops: { location: '2dsphere', city: 1 } });
    const bad = withConfig({ apps: { A: { ...app, indexes: { shops: { location: 'geo' } } } } });
    expect(() => loadProjectConfig({ root: bad, mode: 'local', env: {} })).toThrow(/apps\.A\.indexes\.shops\.location.*2dsphere/);
  });
});
