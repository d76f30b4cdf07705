import type { Clock } from '@wxhub/core';
import type { AppConfig, TokenPolicy } from '../config';
import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler, type Service } from '../http/router';
import { FaultPlan, type FaultEffect, type FaultTarget } from '../faults/faults';
import { wechatError } from './errcodes';
import { TokenLedger, type TokenKind, type TokenSummary } from './token-ledger';

export type AuthResult = { ok: true; appid: string } | { ok: false; errcode: number; errmsg: string };

/**
 * A scripted failure on one of WeChat's paths: either an errcode answer (HTTP 200, WeChat's
 * errmsg and a fresh rid unless `errmsg` is given) or a transport-level effect (status, delay,
 * hang). `appid` narrows it to one mini program (by the appid parameter or the token's owner).
 */
export type WeChatFault = Omit<FaultTarget, 'when'> & { readonly appid?: string } & ({ readonly errcode: number; readonly errmsg?: string } | FaultEffect);

/** Addresses `get_api_domain_ip` reports (WeChat's answer lists its API servers' egress IPs). */
/** What the emulated `cgi-bin/get_api_domain_ip` answers (WeChat's API servers' addresses). */
export const API_DOMAIN_IPS: readonly string[] = ['101.89.47.18', '101.91.34.103', '101.226.212.27', '183.3.234.32'];

interface TokenRequestParams {
  grant_type?: unknown;
  appid?: unknown;
  secret?: unknown;
}

/**
 * WeChat's token endpoints (`cgi-bin/token`, `cgi-bin/stable_token`) and a cheap authenticated
 * endpoint, with WeChat's errcodes, its token overlap rules and fault injection. Other parts
 * (the `tcb/*` HTTP API) check tokens with `authenticate`.
 */
export class WeChatEmulator {
  readonly service: Service;
  /** Shared with parts that serve more of WeChat's paths, so one `inject` breaks any of them. */
  readonly faults = new FaultPlan();
  private readonly ledger: TokenLedger;
  private readonly apps: ReadonlyMap<string, AppConfig>;
  private readonly clock: Clock;

  constructor(opts: { apps: readonly AppConfig[]; clock: Clock; policy: TokenPolicy }) {
    this.clock = opts.clock;
    this.apps = new Map(opts.apps.map((app) => [app.appid, app]));
    this.ledger = new TokenLedger(opts.clock, opts.policy);
    this.service = this.faults.wrapService({
      prefix: '',
      routes: [
        { method: 'GET', path: '/cgi-bin/token', handler: (request) => this.token(request) },
        { method: '*', path: '/cgi-bin/stable_token', handler: (request) => this.stableToken(request) },
        { method: 'GET', path: '/cgi-bin/get_api_domain_ip', handler: this.authenticated(() => ({ ip_list: API_DOMAIN_IPS })) },
      ],
    });
  }

  /** Checks the `access_token` query parameter the way every WeChat API does. */
  authenticate(query: URLSearchParams): AuthResult {
    const token = query.get('access_token');
    if (!token) return { ok: false, ...this.error(41001) };
    const verdict = this.ledger.verify(token);
    return verdict.ok ? verdict : { ok: false, ...this.error(verdict.errcode) };
  }

  /** How many tokens were issued to `appid` (both kinds unless `kind` is given). */
  issuedTokens(appid: string, kind?: TokenKind): number {
    return this.ledger.issued(appid, kind);
  }

  /** Every access token handed out, for scrubbing them from admin answers (never to show). */
  tokenValues(): string[] {
    return this.ledger.values();
  }

  tokenSummary(appid: string): TokenSummary {
    return this.ledger.summary(appid);
  }

  inject(fault: WeChatFault): void {
    const { appid, ...rest } = fault;
    const when = appid === undefined ? undefined : (request: EmulatorRequest) => this.callerAppid(request) === appid;
    if ('errcode' in rest) {
      const { errcode, errmsg, ...target } = rest;
      this.faults.inject({ ...target, when, respond: () => ({ body: wechatError(errcode, this.clock.now(), errmsg) }) });
    } else {
      this.faults.inject({ ...rest, when });
    }
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Wraps a handler of an API that needs an access_token: WeChat's errcode when it is not valid. */
  authenticated(handler: (request: EmulatorRequest, appid: string) => EmulatorReply['body'] | Promise<EmulatorReply['body']>): Handler {
    return async (request) => {
      const auth = this.authenticate(request.query);
      if (!auth.ok) return { body: { errcode: auth.errcode, errmsg: auth.errmsg } };
      return { body: await handler(request, auth.appid) };
    };
  }

  private token(request: EmulatorRequest): EmulatorReply {
    const q = request.query;
    const refusal = this.checkCredentials({ grant_type: q.get('grant_type'), appid: q.get('appid'), secret: q.get('secret') });
    if (refusal) return { body: refusal };
    const issued = this.ledger.issueClientCredential(q.get('appid') ?? '');
    return { body: { access_token: issued.value, expires_in: issued.expiresIn } };
  }

  private stableToken(request: EmulatorRequest): EmulatorReply {
    if (request.method.toUpperCase() !== 'POST') return { body: this.error(43002) };
    if (request.body.length === 0) return { body: this.error(44002) };
    const params = parseJsonBody<TokenRequestParams & { force_refresh?: unknown }>(request);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return { body: this.error(47001) };
    if (params.force_refresh !== undefined && typeof params.force_refresh !== 'boolean') return { body: this.error(47001) };
    const refusal = this.checkCredentials(params);
    if (refusal) return { body: refusal };
    const issued = this.ledger.stableToken(String(params.appid), params.force_refresh === true);
    if ('errcode' in issued) return { body: this.error(issued.errcode) };
    return { body: { access_token: issued.value, expires_in: issued.expiresIn } };
  }

  /** The checks both token endpoints make, in WeChat's order; undefined when the caller may have a token. */
  private checkCredentials(params: TokenRequestParams): { errcode: number; errmsg: string } | undefined {
    if (params.grant_type !== 'client_credential') return this.error(40002);
    if (typeof params.appid !== 'string' || params.appid === '') return this.error(41002);
    if (typeof params.secret !== 'string' || params.secret === '') return this.error(41004);
    const app = this.apps.get(params.appid);
    if (!app) return this.error(40013);
    if (app.secret !== params.secret) return this.error(40125);
    return undefined;
  }

  private callerAppid(request: EmulatorRequest): string | undefined {
    const fromQuery = request.query.get('appid');
    if (fromQuery) return fromQuery;
    const body = parseJsonBody<{ appid?: unknown }>(request);
    if (body && typeof body === 'object' && typeof body.appid === 'string') return body.appid;
    const token = request.query.get('access_token');
    return token ? this.ledger.owner(token) : undefined;
  }

  private error(errcode: number): { errcode: number; errmsg: string } {
    return wechatError(errcode, this.clock.now());
  }
}
