import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';

describe('readJsonObjectFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-json-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers undefined for a file that does not exist, and the object of one that does', () => {
    expect(readJsonObjectFile(join(dir, 'config.json'))).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), '{"timeout": 20, "permissions": {"openapi": []}}');
    expect(readJsonObjectFile(join(dir, 'config.json'))).toEqual({ timeout: 20, permissions: { openapi: [] } });
  });

  it.each([
    ['{"timeout": 20,}', /config\.json: not JSON/],
    ['[1, 2]', /config\.json: not a JSON object/],
    ['null', /config\.json: not a JSON object/],
    ['"text"', /config\.json: not a JSON object/],
  ])('refuses %s with a ConfigError naming the file', (text, message) => {
    writeFileSync(join(dir, 'config.json'), text);
    expect(() => readJsonObjectFile(join(dir, 'config.json'))).toThrow(ConfigError);
    expect(() => readJsonObjectFile(join(dir, 'config.json'))).toThrow(message);
  });
});
