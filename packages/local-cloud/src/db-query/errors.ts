import { WxhubError } from '@wxhub/core';

/**
 * The two cloud errcodes a bad query string earns (wx-server-sdk's own table names them):
 * - `-501007` "invalid parameters": the text is not a usable query — a syntax error, too long,
 *   nested too deep, or a whitelisted call with arguments of the wrong kind (`limit(5000)`,
 *   `orderBy('a', 'up')`, `_.inc('x')`), or a call in the wrong place (`.doc(id).where(...)`).
 * - `-502002` "database invalid command": the text asks for something that is not a database
 *   command at all — an identifier other than `db`, `_`, `$`, a method or operator outside the
 *   whitelist, a function, an assignment, an operator such as `+`, a second statement.
 */
export const QueryErrcode = {
  INVALID_PARAM: -501007,
  INVALID_COMMAND: -502002,
} as const;

export type QueryErrcodeValue = (typeof QueryErrcode)[keyof typeof QueryErrcode];

const ERRCODE_TEXT: Readonly<Record<QueryErrcodeValue, string>> = {
  [QueryErrcode.INVALID_PARAM]: 'invalid parameters',
  [QueryErrcode.INVALID_COMMAND]: 'database invalid command',
};

/** Where in the query text a refusal points: a UTF-16 offset, a 1-based line and column. */
export interface QueryPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * A query string refused before anything ran. `errcode`/`errmsg` are what the HTTP API answers
 * (the caller appends WeChat's ` rid: …`); `reason` names what was refused, `position` where.
 */
export class QueryParseError extends WxhubError {
  readonly transient = false;
  readonly code: 'INVALID_PARAM' | 'DATABASE_INVALID_COMMAND';

  constructor(
    readonly errcode: QueryErrcodeValue,
    readonly reason: string,
    readonly position?: QueryPosition,
  ) {
    super(position ? `${reason} (line ${position.line}, column ${position.column})` : reason);
    this.code = errcode === QueryErrcode.INVALID_COMMAND ? 'DATABASE_INVALID_COMMAND' : 'INVALID_PARAM';
  }

  /** WeChat's text for the errcode followed by the detail, as wx-server-sdk formats its errors. */
  get errmsg(): string {
    return `${ERRCODE_TEXT[this.errcode]}. ${this.message}`;
  }
}
