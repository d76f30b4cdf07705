import { randomBytes } from 'node:crypto';
import type { Clock } from '@wxhub/core';
import { fileIdOf } from './file-ids';

/**
 * What getUploadMetadata (SDK) and tcb/uploadfile (HTTP API) hand out for one upload: COS
 * credentials scoped to one path. The client sends them back with the bytes, as headers (PUT) or
 * form fields (POST): `token` as `x-cos-security-token`, `authorization` as `Signature` /
 * `authorization`, `cosFileId` as `x-cos-meta-fileid`.
 */
export interface UploadTicket {
  readonly envId: string;
  readonly path: string;
  readonly fileId: string;
  readonly cosFileId: string;
  readonly token: string;
  readonly authorization: string;
  /** Clock time (ms) after which the ticket no longer uploads. */
  readonly expiresAt: number;
}

export type TicketLookup = { readonly ok: true; readonly ticket: UploadTicket } | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

/** Live tickets by token. Expired ones are dropped whenever a new one is issued, so they cannot pile up. */
export class UploadTickets {
  private readonly byToken = new Map<string, UploadTicket>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  issue(envId: string, path: string): UploadTicket {
    const now = this.clock.now();
    for (const [token, ticket] of this.byToken) if (ticket.expiresAt <= now) this.byToken.delete(token);
    const start = Math.floor(now / 1000);
    const end = Math.floor((now + this.ttlMs) / 1000);
    const ticket: UploadTicket = {
      envId,
      path,
      fileId: fileIdOf(envId, path),
      cosFileId: randomBytes(48).toString('base64'),
      token: randomBytes(96).toString('base64'),
      // The shape of a COS (q-sign) authorization; only the local cloud ever reads it.
      authorization: [
        'q-sign-algorithm=sha1',
        'q-ak=AKIDlocalcloud',
        `q-sign-time=${start};${end}`,
        `q-key-time=${start};${end}`,
        'q-header-list=',
        'q-url-param-list=',
        `q-signature=${randomBytes(20).toString('hex')}`,
      ].join('&'),
      expiresAt: now + this.ttlMs,
    };
    this.byToken.set(ticket.token, ticket);
    return ticket;
  }

  find(token: string | undefined): TicketLookup {
    const ticket = token ? this.byToken.get(token) : undefined;
    if (!ticket) return { ok: false, reason: 'unknown' };
    if (ticket.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, ticket };
  }
}
