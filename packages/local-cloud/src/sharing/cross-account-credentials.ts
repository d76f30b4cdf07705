import { randomBytes } from 'node:crypto';
import type { Clock } from '@wxhub/core';
import type { CrossAccountCaller } from '../sdk-backend/sdk-env';

/**
 * How long a cross-account credential lives. UNCERTAIN: WeChat does not document it; the SDK
 * fetches one per `init()` and keeps it for the Cloud instance's life.
 */
export const CROSS_ACCOUNT_CREDENTIAL_TTL_MS = 2 * 60 * 60_000;

/** What getCrossAccountToken hands out: TencentCloud temporary keys and WeChat's opaque `wxParam`. */
export interface IssuedCredential {
  readonly secretId: string;
  readonly secretKey: string;
  readonly token: string;
  readonly wxParam: Buffer;
}

export interface CredentialGrant {
  readonly envId: string;
  readonly caller: CrossAccountCaller;
  readonly expiresAt: number;
}

/**
 * The cross-account credentials issued, by their `wxParam`. The SDK sends it back with every
 * request as `crossAuthorizationToken` = base64(JSON {mpToken: base64(wxParam)}); the caller
 * (app and user) is bound at issue, as WeChat's token carries it.
 */
export class CrossAccountCredentials {
  private readonly issued = new Map<string, CredentialGrant>();

  constructor(private readonly clock: Clock) {}

  issue(envId: string, caller: CrossAccountCaller): IssuedCredential {
    const now = this.clock.now();
    for (const [mpToken, grant] of this.issued) if (grant.expiresAt <= now) this.issued.delete(mpToken);
    const wxParam = randomBytes(24);
    this.issued.set(wxParam.toString('base64'), { envId, caller, expiresAt: now + CROSS_ACCOUNT_CREDENTIAL_TTL_MS });
    return {
      // Local-only values: the local cloud checks no signature.
      secretId: `local-cross-account-${randomBytes(8).toString('hex')}`,
      secretKey: randomBytes(16).toString('hex'),
      token: randomBytes(16).toString('hex'),
      wxParam,
    };
  }

  /** The grant behind a request's `crossAuthorizationToken`; undefined when unknown, malformed or expired. */
  resolve(crossAuthorizationToken: string): CredentialGrant | undefined {
    let mpToken: unknown;
    try {
      mpToken = (JSON.parse(Buffer.from(crossAuthorizationToken, 'base64').toString('utf8')) as { mpToken?: unknown }).mpToken;
    } catch {
      return undefined;
    }
    if (typeof mpToken !== 'string') return undefined;
    const grant = this.issued.get(mpToken);
    return grant && grant.expiresAt > this.clock.now() ? grant : undefined;
  }
}
