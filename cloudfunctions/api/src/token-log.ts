import type { TokenCacheEvent } from '@wxhub/token-cache';

/**
 * One JSON line per token event on stdout, which WeChat's cloud log shows per invocation. The
 * cache masks every token value in its events, and scrubs the messages, before they get here.
 */
export function logTokenEvent(fn: string, event: TokenCacheEvent, write: (line: string) => void = (line) => console.log(line)): void {
  write(JSON.stringify({ log: 'token', fn, ...event }));
}
