import { budgetDay } from '@wxhub/token-cache';
import { accessTokenHealth } from '../src/token-health';

const NOW = Date.UTC(2026, 0, 1, 3);

describe('access token health from the token collection', () => {
  it('reports expiry, refresh, lease, failures and the force budget, never the value', () => {
    const secretValue = 'ACCESS-TOKEN-VALUE-0123456789abcdef';
    const [health] = accessTokenHealth(
      [
        {
          _id: 'wxa0000000000000a1',
          access_token: secretValue,
          expires_in: NOW + 60_000,
          refreshed_at: NOW - 7_000_000,
          lease_holder: '123-abc',
          lease_until: NOW + 2_000,
          failed_at: NOW - 1_000,
          failure_code: 'WECHAT_-1',
          failure_count: 2,
          retry_at: NOW + 9_000,
          forced_day: budgetDay(NOW),
          forced_count: 3,
          forced_last_at: NOW - 60_000,
        },
        { _id: '~sweep', access_token: 'swept-by-someone', expires_in: NOW + 1 },
      ],
      NOW,
    );
    expect(health).toEqual({
      key: 'wxa0000000000000a1',
      fresh: true,
      expires_at: NOW + 60_000,
      refreshed_at: NOW - 7_000_000,
      lease_until: NOW + 2_000,
      failure: { code: 'WECHAT_-1', count: 2, retry_at: NOW + 9_000 },
      forced_today: 3,
      force_budget_left: 7,
      corrupt_fields: [],
    });
    expect(JSON.stringify(health)).not.toContain(secretValue);
  });

  it("names malformed fields, counts yesterday's forced refreshes as none, and leaves the sweep marker out", () => {
    const report = accessTokenHealth(
      [
        { _id: 'wxb', access_token: 42, expires_in: 'never', forced_day: '2025-12-31', forced_count: 10, forced_last_at: NOW - 86_000_000 },
        { _id: '~sweep', access_token: 'x', expires_in: NOW },
      ],
      NOW,
    );
    expect(report).toEqual([
      expect.objectContaining({
        key: 'wxb',
        fresh: false,
        expires_at: null,
        forced_today: 0,
        force_budget_left: 10,
        corrupt_fields: ['access_token', 'expires_in'],
      }),
    ]);
  });
});
