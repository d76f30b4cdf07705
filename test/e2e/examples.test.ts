import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@wxhub/test-support';

const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const run = (file: string, args: string[] = [], cwd = REPO_ROOT) => promisify(execFile)(tsx, [file, ...args], { cwd, timeout: 60_000 });

/** The README's runnable examples do what the README says they do. */
describe('README examples', () => {
  it('the server toolkit example stores hostile input as data, uploads, and logs a user in', async () => {
    const { stdout } = await run(join(REPO_ROOT, 'examples', 'server-toolkit', 'index.ts'));
    expect(stdout).toContain('orders over 10: 2 of 2; first item "tea"');
    expect(stdout).toMatch(/uploaded cloud:\/\/a-env-0a1b2c\.[0-9a-f]+-a-env-0a1b2c\/receipts\/1\.txt; temporary URL issued/);
    expect(stdout).toContain('logged in oUserExample01: 李雷, phone 13800138000');
  });

  it('the message-push example plays WeChat against the handler', async () => {
    const dir = join(REPO_ROOT, 'examples', 'message-push');
    const { stdout } = await run(join(dir, 'node-http.ts'), ['--demo'], dir);
    expect(stdout).toMatch(/^GET {2}→ 200 \d+$/m);
    expect(stdout).toMatch(/^POST → 200 <xml><Encrypt>/m);
    expect(stdout).toMatch(/^POST \(WeChat retrying\) → 200 success/m);
    expect(stdout).toMatch(/^POST with a forged signature → 401 /m);
  });
});
