import { mask, retry, scrub, WxhubError, type Clock } from '@wxhub/core';
import type { Token } from '@wxhub/token-cache';
import type { SetconfigCollection } from './setconfig';
import type { ThirdPartyToken } from './settings';

export interface RefreshSummary {
  readonly refreshed: string[];
  readonly fresh: string[];
  readonly failed: Array<{ config_name: string; error: string; code: string }>;
}

export interface RefreshDeps {
  readonly setconfig: SetconfigCollection;
  readonly fetchToken: (entry: ThirdPartyToken) => Promise<Token>;
  readonly clock: Clock;
  readonly marginMs: number;
  /** Where the one structured line per token event goes; console.log by default. */
  readonly log?: (line: string) => void;
}

/** One JSON line per token event, which WeChat's cloud log shows; token values masked, messages scrubbed. */
function logEvent(deps: RefreshDeps, event: Record<string, unknown>): void {
  (deps.log ?? ((line: string) => console.log(line)))(JSON.stringify({ log: 'token', fn: 'refresh_tokens', ...event }));
}

/**
 * Refreshes each configured token that is missing or inside the margin. A failure for one
 * token neither stops the others nor touches its stored value: the old token keeps serving
 * until it really expires, and the error is recorded beside it.
 */
export async function refreshAll(tokens: readonly ThirdPartyToken[], deps: RefreshDeps): Promise<RefreshSummary> {
  const summary: RefreshSummary = { refreshed: [], fresh: [], failed: [] };
  await Promise.all(tokens.map((entry) => refreshOne(entry, deps, summary)));
  return summary;
}

async function refreshOne(entry: ThirdPartyToken, deps: RefreshDeps, summary: RefreshSummary): Promise<void> {
  const name = entry.configName;
  const existing = await deps.setconfig.find(name);
  if (existing?.value && typeof existing.expires_at === 'number' && existing.expires_at - deps.clock.now() > deps.marginMs) {
    summary.fresh.push(name);
    logEvent(deps, { type: 'fresh', key: name, expiresAt: existing.expires_at });
    return;
  }
  let token: Token;
  try {
    token = await retry(() => deps.fetchToken(entry), { attempts: 3, baseDelayMs: 300, clock: deps.clock });
  } catch (error) {
    const message = scrub(error instanceof Error ? error.message : String(error), [entry.clientSecret, entry.clientId]);
    const code = error instanceof WxhubError ? error.code : 'UNKNOWN';
    logEvent(deps, { type: 'refresh-failed', key: name, code, message });
    await deps.setconfig.saveError(existing, name, message, code);
    summary.failed.push({ config_name: name, error: message, code });
    return;
  }
  await deps.setconfig.saveToken(existing, name, token.value, token.expiresAt);
  summary.refreshed.push(name);
  logEvent(deps, { type: 'fetched', key: name, token: mask(token.value), expiresAt: token.expiresAt });
}
