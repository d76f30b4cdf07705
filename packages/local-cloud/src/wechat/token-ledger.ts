import { randomBytes } from 'node:crypto';
import { WeChatErrcode, type Clock } from '@wxhub/core';
import type { TokenPolicy } from '../config';

export type TokenKind = 'token' | 'stable_token';

export interface IssuedToken {
  readonly value: string;
  /** Seconds left, as `expires_in` reports it. */
  readonly expiresIn: number;
}

export type Verdict = { ok: true; appid: string } | { ok: false; errcode: typeof WeChatErrcode.INVALID_CREDENTIAL | typeof WeChatErrcode.ACCESS_TOKEN_EXPIRED };

/** WeChat's documented limits on stable_token's force_refresh mode. */
export const FORCE_REFRESH_PER_DAY = 20;
export const FORCE_REFRESH_SPACING_MS = 30_000;
/** Daily quotas reset at midnight Beijing time. */
const BEIJING_OFFSET_MS = 8 * 3600_000;

export interface TokenSummary {
  readonly currentExpiresAt: number | undefined;
  readonly lastIssuedAt: number | undefined;
  readonly forceRefresh: { readonly usedToday: number; readonly perDay: number; readonly lastAt: number | undefined };
}

interface TokenRecord {
  readonly appid: string;
  readonly kind: TokenKind;
  readonly expiresAt: number;
  /** Set when a newer token superseded this one: the moment it stops working. */
  revokedAt?: number;
}

interface AppTokens {
  latest?: string;
  /** The cgi-bin token just before `latest`, still inside its overlap window. */
  previous?: string;
  stable?: string;
  issued: Record<TokenKind, number>;
  forces: { day: number; count: number; lastAt?: number };
}

/**
 * Every access token the emulated WeChat has handed out, and WeChat's rules for when each
 * stops working. Time is the injected clock's, so tests can step through expiry and overlap.
 */
export class TokenLedger {
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly apps = new Map<string, AppTokens>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
  ) {}

  /**
   * `cgi-bin/token`: always a new token. The one it replaces keeps working for the overlap
   * window; anything older stops now (only the latest and the one before it are honoured).
   */
  issueClientCredential(appid: string): IssuedToken {
    const now = this.clock.now();
    const app = this.app(appid);
    if (app.previous) this.revoke(app.previous, now);
    if (app.latest) this.revoke(app.latest, now + this.policy.overlapSeconds * 1000);
    app.previous = app.latest;
    app.latest = this.mint(appid, 'token', now);
    return this.describe(app.latest, now);
  }

  /**
   * `cgi-bin/stable_token`. Without force, the current token while it has at least the renewal
   * margin left; within the margin a new one, the old one running out on its own (WeChat's
   * five-minute handover). With force, a new token that revokes the old one at once, except
   * within 30 s of the previous force (WeChat then "does not refresh" and returns the current
   * token) and at most 20 per day (then 45009).
   */
  stableToken(appid: string, forceRefresh: boolean): IssuedToken | { errcode: typeof WeChatErrcode.DAILY_QUOTA } {
    const now = this.clock.now();
    const app = this.app(appid);
    const current = app.stable !== undefined && this.usableFor(app.stable, now) >= this.renewalMarginMs() ? app.stable : undefined;
    if (!forceRefresh) {
      if (current) return this.describe(current, now);
      app.stable = this.mint(appid, 'stable_token', now);
      return this.describe(app.stable, now);
    }
    const day = beijingDay(now);
    if (app.forces.day !== day) app.forces = { day, count: 0 };
    const lastForce = app.forces.lastAt;
    if (current && lastForce !== undefined && now - lastForce < FORCE_REFRESH_SPACING_MS) return this.describe(current, now);
    if (app.forces.count >= FORCE_REFRESH_PER_DAY) return { errcode: WeChatErrcode.DAILY_QUOTA };
    app.forces.count += 1;
    app.forces.lastAt = now;
    if (app.stable) this.revoke(app.stable, now);
    app.stable = this.mint(appid, 'stable_token', now);
    return this.describe(app.stable, now);
  }

  verify(token: string): Verdict {
    const record = this.tokens.get(token);
    if (!record) return { ok: false, errcode: WeChatErrcode.INVALID_CREDENTIAL };
    const now = this.clock.now();
    if (now >= record.expiresAt) return { ok: false, errcode: WeChatErrcode.ACCESS_TOKEN_EXPIRED };
    if (record.revokedAt !== undefined && now >= record.revokedAt) return { ok: false, errcode: WeChatErrcode.INVALID_CREDENTIAL };
    return { ok: true, appid: record.appid };
  }

  /** The appid a token was issued to, valid or not. */
  owner(token: string): string | undefined {
    return this.tokens.get(token)?.appid;
  }

  /** Every token value handed out (valid or not): what the admin API scrubs from its answers. */
  values(): string[] {
    return [...this.tokens.keys()];
  }

  /** The newest token's expiry and issue time and today's force_refresh use (no token values). */
  summary(appid: string): TokenSummary {
    const app = this.apps.get(appid);
    const newest = [app?.latest, app?.stable]
      .map((token) => (token ? this.tokens.get(token) : undefined))
      .filter((record): record is TokenRecord => record !== undefined)
      .sort((a, b) => b.expiresAt - a.expiresAt)[0];
    const today = beijingDay(this.clock.now());
    return {
      currentExpiresAt: newest?.expiresAt,
      lastIssuedAt: newest ? newest.expiresAt - this.policy.accessTokenTtlSeconds * 1000 : undefined,
      forceRefresh: { usedToday: app && app.forces.day === today ? app.forces.count : 0, perDay: FORCE_REFRESH_PER_DAY, lastAt: app?.forces.lastAt },
    };
  }

  issued(appid: string, kind?: TokenKind): number {
    const counts = this.apps.get(appid)?.issued;
    if (!counts) return 0;
    return kind ? counts[kind] : counts.token + counts.stable_token;
  }

  /**
   * WeChat renews a stable token when less than five minutes are left; with a test policy whose
   * lifetime is shorter than that, half the lifetime keeps "same token while valid" meaningful.
   */
  private renewalMarginMs(): number {
    return Math.min(this.policy.overlapSeconds, this.policy.accessTokenTtlSeconds / 2) * 1000;
  }

  private usableFor(token: string, now: number): number {
    const record = this.tokens.get(token);
    if (!record) return 0;
    return Math.min(record.expiresAt, record.revokedAt ?? Number.POSITIVE_INFINITY) - now;
  }

  private describe(token: string, now: number): IssuedToken {
    return { value: token, expiresIn: Math.floor(this.usableFor(token, now) / 1000) };
  }

  private revoke(token: string, at: number): void {
    const record = this.tokens.get(token);
    if (record) record.revokedAt = Math.min(record.revokedAt ?? Number.POSITIVE_INFINITY, at);
  }

  private mint(appid: string, kind: TokenKind, now: number): string {
    // Real tokens are ~140 characters: a generation number, '_', then opaque URL-safe text.
    const value = `86_${randomBytes(105).toString('base64url')}`;
    this.tokens.set(value, { appid, kind, expiresAt: now + this.policy.accessTokenTtlSeconds * 1000 });
    this.app(appid).issued[kind] += 1;
    return value;
  }

  private app(appid: string): AppTokens {
    let app = this.apps.get(appid);
    if (!app) {
      app = { issued: { token: 0, stable_token: 0 }, forces: { day: -1, count: 0 } };
      this.apps.set(appid, app);
    }
    return app;
  }
}

function beijingDay(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / 86_400_000);
}
