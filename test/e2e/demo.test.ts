import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@wxhub/test-support';

/** The README's main job (`pnpm demo` after the build), run as users run it. */
describe('the demo', () => {
  it("registers users through api and through B's page code, and fills setconfig", async () => {
    const { stdout } = await promisify(execFile)(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'scripts', 'demo.ts')], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    expect(stdout).toContain('"errmsg":"user already exists"');
    expect(stdout).toContain('shows: 已添加：王芳');
    expect(stdout).toContain('shows: 你已经登记过了');
    expect(stdout).toMatch(/field errors \{"tel":/);
    expect(stdout).toMatch(/refresh_tokens \(first run\).*"refreshed":\["baidu_ocr"\]/);
    expect(stdout).toMatch(/tokens issued by WeChat: A 1,/);
    expect(stdout).toMatch(/oB_demo_wangfang\s+王芳/);
    // Secrets and tokens are masked in what it prints.
    expect(stdout).not.toMatch(/access_token 86_[A-Za-z0-9_-]{20,}/);
  });
});
