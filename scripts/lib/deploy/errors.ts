import { WxhubError } from '@wxhub/core';

/** The built functions are not fit to upload; every problem is listed, and nothing was sent. */
export class DeployCheckError extends WxhubError {
  readonly code = 'DEPLOY_CHECK';
  readonly transient = false;
  constructor(readonly problems: readonly string[]) {
    super(`nothing was sent; fix first:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** The command line is wrong; the message says how to call it. */
export class UsageError extends WxhubError {
  readonly code = 'USAGE';
  readonly transient = false;
}
