import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { functionTimeoutMs, planBudget } from '../src/budget';

describe("api's time budget", () => {
  it("reads the function's timeout from its config.json, beside the bundle or one level up", () => {
    expect(functionTimeoutMs(path.join(__dirname, '..', 'src'))).toBe(10_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-api-budget-'));
    try {
      expect(functionTimeoutMs(dir)).toBe(3_000); // WeChat's default
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ timeout: 20 }));
      expect(functionTimeoutMs(dir)).toBe(20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([3_000, 10_000, 20_000, 60_000])('fits every part inside a %i ms timeout with a margin', (timeout) => {
    const budget = planBudget(timeout, 6_000);
    expect(budget.totalMs).toBeLessThanOrEqual(timeout - 1_000);
    expect(budget.totalMs).toBeLessThanOrEqual(timeout * 0.85 + 1);
    expect(budget.tokenWaitMs).toBeLessThan(budget.totalMs);
    expect(budget.tokenRequestMs).toBeLessThanOrEqual(budget.tokenWaitMs);
    expect(budget.upstreamRequestMs).toBeLessThanOrEqual(Math.min(6_000, budget.totalMs));
  });
});
