import { randomBytes } from 'node:crypto';
import type { Clock } from '@wxhub/core';
import type { BaiduClientConfig, TokenPolicy } from '../config';
import type { EmulatorReply, EmulatorRequest, Service } from '../http/router';
import { FaultPlan, type FaultEffect, type FaultTarget } from '../faults/faults';
import { recognizeText } from './ocr';

export type BaiduAuthResult = { ok: true; clientId: string } | { ok: false; error_code: 110 | 111; error_msg: string };

/**
 * A scripted failure on one of Baidu's paths (below the '/baidu' prefix, e.g. '/oauth/2.0/token'):
 * an OAuth error (`status` defaults to 401), an AI API error (HTTP 200 `error_code`), or a
 * transport-level effect (status, delay, hang).
 */
export type BaiduFault = Omit<FaultTarget, 'when'> &
  (
    | { readonly error: string; readonly error_description: string; readonly status?: number }
    | { readonly error_code: number; readonly error_msg: string }
    | FaultEffect
  );

const SCOPE =
  'public brain_all_scope vis-ocr_ocr brain_ocr_scope brain_ocr_general brain_ocr_general_basic wise_adapt lebo_resource_base lightservice_public hetu_basic lightcms_map_poi kaidian_kaidian';
const REFRESH_TTL_SECONDS = 315_360_000;

interface BaiduToken {
  readonly clientId: string;
  readonly expiresAt: number;
}

/**
 * Baidu AI's OAuth (`/oauth/2.0/token`, client_credentials) and one AI API that takes its
 * tokens (`/rest/2.0/ocr/v1/general_basic`), with Baidu's error shapes: OAuth errors as HTTP
 * 400/401 `{error, error_description}`, API errors as HTTP 200 `{error_code, error_msg}`.
 * Tokens issued earlier stay valid until they expire (Baidu does not revoke on refetch).
 */
export class BaiduEmulator {
  static readonly PREFIX = '/baidu';
  readonly service: Service;
  readonly faults = new FaultPlan();
  private readonly clients: ReadonlyMap<string, BaiduClientConfig>;
  private readonly tokens = new Map<string, BaiduToken>();
  private readonly issued = new Map<string, number>();
  private readonly clock: Clock;
  private readonly policy: TokenPolicy;

  constructor(opts: { clients: readonly BaiduClientConfig[]; clock: Clock; policy: TokenPolicy }) {
    this.clock = opts.clock;
    this.policy = opts.policy;
    this.clients = new Map(opts.clients.map((client) => [client.clientId, client]));
    this.service = this.faults.wrapService({
      prefix: BaiduEmulator.PREFIX,
      routes: [
        // Baidu documents POST; GET with the same query works too and old SDKs use it.
        { method: '*', path: '/oauth/2.0/token', handler: (request) => this.token(request) },
        { method: 'POST', path: '/rest/2.0/ocr/v1/general_basic', handler: (request) => this.ocr(request) },
      ],
    });
  }

  authenticate(token: string | null | undefined): BaiduAuthResult {
    const record = token ? this.tokens.get(token) : undefined;
    if (!record) return { ok: false, error_code: 110, error_msg: 'Access token invalid or no longer valid' };
    if (this.clock.now() >= record.expiresAt) return { ok: false, error_code: 111, error_msg: 'Access token expired' };
    return { ok: true, clientId: record.clientId };
  }

  /** Every access token handed out, for scrubbing them from admin answers (never to show). */
  tokenValues(): string[] {
    return [...this.tokens.keys()];
  }

  /** The latest expiry among the client's tokens (ms), undefined before the first. */
  currentExpiry(clientId: string): number | undefined {
    let latest: number | undefined;
    for (const record of this.tokens.values())
      if (record.clientId === clientId && (latest === undefined || record.expiresAt > latest)) latest = record.expiresAt;
    return latest;
  }

  issuedTokens(clientId: string): number {
    return this.issued.get(clientId) ?? 0;
  }

  inject(fault: BaiduFault): void {
    if ('error' in fault) {
      const { error, error_description, status, ...target } = fault;
      this.faults.inject({ ...target, status: status ?? 401, body: { error, error_description } });
    } else if ('error_code' in fault) {
      const { error_code, error_msg, ...target } = fault;
      this.faults.inject({ ...target, respond: () => ({ body: { error_code, error_msg, log_id: logId() } }) });
    } else {
      this.faults.inject(fault);
    }
  }

  clearFaults(): void {
    this.faults.clear();
  }

  private token(request: EmulatorRequest): EmulatorReply {
    const params = paramsOf(request);
    if (params.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported' } };
    }
    const client = this.clients.get(params.get('client_id') ?? '');
    if (!client) return { status: 401, body: { error: 'invalid_client', error_description: 'unknown client id' } };
    if (params.get('client_secret') !== client.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const now = this.clock.now();
    const ttl = this.policy.baiduTtlSeconds;
    const accessToken = mintToken('24', ttl, now);
    this.tokens.set(accessToken, { clientId: client.clientId, expiresAt: now + ttl * 1000 });
    this.issued.set(client.clientId, this.issuedTokens(client.clientId) + 1);
    return {
      body: {
        refresh_token: mintToken('25', REFRESH_TTL_SECONDS, now),
        expires_in: ttl,
        session_key: randomBytes(64).toString('base64').replace(/[+/=]/g, ''),
        access_token: accessToken,
        scope: SCOPE,
        session_secret: randomBytes(16).toString('hex'),
      },
    };
  }

  private ocr(request: EmulatorRequest): EmulatorReply {
    const auth = this.authenticate(request.query.get('access_token'));
    if (!auth.ok) return { body: { error_code: auth.error_code, error_msg: auth.error_msg } };
    // Baidu also takes `url` (it downloads the image); offline there is nothing to download.
    const image = new URLSearchParams(request.body.toString('utf8')).get('image');
    if (!image) return { body: { error_code: 216101, error_msg: 'not enough param', log_id: logId() } };
    const bytes = Buffer.from(image, 'base64');
    if (bytes.length === 0) return { body: { error_code: 216201, error_msg: 'image format error', log_id: logId() } };
    const words = recognizeText(bytes);
    return { body: { words_result: words.map((line) => ({ words: line })), words_result_num: words.length, log_id: logId() } };
  }
}

/** OAuth parameters from the query string or an urlencoded body (Baidu accepts both). */
function paramsOf(request: EmulatorRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const contentType = String(request.headers['content-type'] ?? '');
  if (request.body.length > 0 && contentType.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) if (!params.has(key)) params.set(key, value);
  }
  return params;
}

/** Baidu's token layout: `<type>.<32 hex>.<ttl>.<expiry epoch s>.<user id>-<app id>`. */
function mintToken(type: string, ttlSeconds: number, nowMs: number): string {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  return `${type}.${randomBytes(16).toString('hex')}.${ttlSeconds}.${expiry}.${282335}-${10_000_000 + randomBytes(3).readUIntBE(0, 3)}`;
}

function logId(): number {
  return Number(randomBytes(6).readUIntBE(0, 6));
}
