/** What `wxhub` exits with; scripts may rely on these. */
export const ExitCode = {
  OK: 0,
  /** WeChat (or the local cloud, or COS) refused or failed: the errcode is printed. */
  UPSTREAM: 1,
  /** The command line is wrong: unknown command or option, missing argument, bad JSON. */
  USAGE: 2,
  /** The configuration is missing or incomplete: no config file, unknown app, unset secret. */
  CONFIG: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line; `command` names the help to point to. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
