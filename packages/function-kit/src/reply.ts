/**
 * What a wxhub cloud function answers, whatever happened: `errcode` 0 with `data`, or a
 * negative code from `ErrorCode` with a message a page can show. Never a stack trace.
 */
export type Reply<T = unknown> = Success<T> | Failure;

export interface Success<T> {
  readonly errcode: 0;
  readonly errmsg: 'success';
  readonly data: T;
}

export interface Failure {
  readonly errcode: number;
  readonly errmsg: string;
  readonly data?: unknown;
}

/** The codes of this project's functions; a page switches on them. */
export const ErrorCode = {
  /** The event is malformed: a field is missing or out of range (the message names it). */
  INVALID_INPUT: -1001,
  /** The call carries no caller OPENID (it did not come from a mini program user). */
  NO_CALLER: -1002,
  /** The requested function is not on the allow-list. */
  NOT_ALLOWED: -1003,
  /** The event is larger than the function accepts. */
  TOO_LARGE: -1004,
  /** A user with this openid exists already. */
  USER_EXISTS: -2001,
  /** The call to mini program A failed (A's errcode is kept in `data.errcode`). */
  UPSTREAM_FAILED: -3001,
  /** The database failed. */
  DATABASE: -9999,
  /** Anything unexpected; details are in the function's log under the request id. */
  INTERNAL: -9998,
} as const;

export function ok<T>(data: T): Success<T> {
  return { errcode: 0, errmsg: 'success', data };
}

export function fail(errcode: number, errmsg: string, data?: unknown): Failure {
  return data === undefined ? { errcode, errmsg } : { errcode, errmsg, data };
}

/** Thrown inside a function to answer with a specific failure; the handler turns it into a Reply. */
export class ReplyError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly data?: unknown,
  ) {
    super(errmsg);
    this.name = 'ReplyError';
  }
}
