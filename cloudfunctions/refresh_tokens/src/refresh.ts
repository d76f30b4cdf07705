import { retry, scrub, WxhubError, type Clock } from '@wxhub/core';
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
    return;
  }
  let token: Token;
  try {
    token = await retry(() => deps.fetchToken(entry), { attempts: 3, baseDelayMs: 300, clock: deps.clock });
  } catch (error) {
    const message = scrub(error instanceof Error ? error.message : String(error), [entry.clientSecret, entry.clientId]);
    const code = error instanceof WxhubError ? error.code : 'UNKNOWN';
    console.error(`refresh_tokens: ${name} not refreshed: ${message}`);
    await deps.setconfig.saveError(existing, name, message, code);
    summary.failed.push({ config_name: name, error: message, code });
    return;
  }
  await deps.setconfig.saveToken(existing, name, token.value, token.expiresAt);
  summary.refreshed.push(name);
}
