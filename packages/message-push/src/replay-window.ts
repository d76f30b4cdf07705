import { PushMalformedError, PushReplayError } from './errors';

const SECONDS = /^\d{1,12}$/;

/**
 * Refuses a signed `timestamp` further than `windowSeconds` from the clock, either way: a
 * captured request cannot be played again later, and a clock that runs a little apart from
 * WeChat's is tolerated. Returns the timestamp in seconds.
 */
export function checkTimestamp(timestamp: string, nowMs: number, windowSeconds: number): number {
  if (!SECONDS.test(timestamp)) throw new PushMalformedError('timestamp is not a number of seconds');
  const seconds = Number(timestamp);
  const skew = Math.abs(seconds - Math.floor(nowMs / 1000));
  if (skew > windowSeconds) throw new PushReplayError(skew, windowSeconds);
  return seconds;
}
