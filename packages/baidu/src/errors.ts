import { WxhubError, scrub } from '@wxhub/core';

export interface BaiduApiErrorInit {
  /** The API path, e.g. '/oauth/2.0/token'. */
  readonly api: string;
  readonly status: number;
  /** Baidu's OAuth error, e.g. 'invalid_client'. */
  readonly error: string;
  readonly errorDescription: string;
  /** Values to mask if Baidu echoes them. */
  readonly secrets?: Iterable<string | undefined>;
}

/**
 * Baidu's OAuth answered `{error, error_description}` (HTTP 400/401, or 5xx when its side
 * failed). `code` is always 'BAIDU_API'; `error` and `error_description` say why. Only a 5xx is
 * transient: a rejected client stays rejected.
 */
export class BaiduApiError extends WxhubError {
  readonly code = 'BAIDU_API';
  readonly transient: boolean;
  readonly api: string;
  readonly status: number;
  readonly error: string;
  readonly error_description: string;

  constructor(init: BaiduApiErrorInit) {
    const description = scrub(init.errorDescription, init.secrets ?? []);
    super(`${init.api}: ${explain(init.error, description)} (HTTP ${init.status}, ${init.error}: ${description})`);
    this.api = init.api;
    this.status = init.status;
    this.error = init.error;
    this.error_description = description;
    this.transient = init.status >= 500;
  }
}

function explain(error: string, description: string): string {
  if (error === 'invalid_client' && /unknown client id/i.test(description)) {
    return 'unknown API key (client_id); check the key of the Baidu AI application';
  }
  if (error === 'invalid_client') return 'the secret key (client_secret) does not match the API key';
  if (error === 'unsupported_grant_type') return 'grant_type must be client_credentials';
  return 'Baidu OAuth error';
}
