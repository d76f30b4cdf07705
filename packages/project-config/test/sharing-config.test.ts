import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { loadProjectConfig } from '../src/project-config';

describe('sharing and openPlatform in the project configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const apps = {
    A: { appid: 'wxa0000000000000a1', secret: 's', envId: 'a-env', openPlatform: 'open-1' },
    B: { appid: 'wxb0000000000000b2', secret: 's', envId: 'b-env' },
  };
  const load = (extra: Record<string, unknown>) => {
    const file = join(dir, 'wxhub.config.local.json');
    writeFileSync(file, JSON.stringify({ apps, ...extra }));
    return loadProjectConfig({ root: dir, mode: 'local', env: {}, file });
  };

  it('reads shares and open-platform accounts; none by default', () => {
    const config = load({ sharing: [{ owner: 'A', with: 'B', permissions: ['functions'] }] });
    expect(config.sharing).toEqual([{ owner: 'A', with: 'B', permissions: ['functions'] }]);
    expect(config.apps.A?.openPlatform).toBe('open-1');
    expect(config.apps.B).not.toHaveProperty('openPlatform');
    expect(load({}).sharing).toEqual([]);
  });

  it.each([
    [{ sharing: {} }, 'sharing'],
    [{ sharing: [{ owner: 'A', with: 'C' }] }, 'sharing[0].with'],
    [{ sharing: [{ owner: 'A', with: 'A' }] }, 'sharing[0].with'],
    [{ sharing: [{ owner: 'A', with: 'B', permissions: ['all'] }] }, 'sharing[0].permissions[0]'],
  ])('refuses %j naming %s', (extra, where) => {
    expect(() => load(extra)).toThrow(ConfigError);
    expect(() => load(extra)).toThrow(where);
  });
});
