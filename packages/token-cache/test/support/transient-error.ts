import { WxhubError } from '@wxhub/core';

/** Stands in for a provider's typed upstream error (e.g. WeChat's errcode -1 or 40013). */
export class UpstreamTestError extends WxhubError {
  readonly code = 'UPSTREAM_TEST';
  constructor(
    readonly errcode: number,
    readonly transient: boolean,
    message = `upstream answered errcode ${errcode}`,
  ) {
    super(message);
  }
}
