import { WeChatErrcode } from '@wxhub/core';

/**
 * What the local cloud's content check calls risky: text containing one of these. WeChat's
 * verdicts come from its own models; locally a fixed, documented list lets a test (or a developer)
 * see both answers on purpose.
 */
export const RISKY_MARKERS: readonly string[] = ['[risky]', '违法', '赌博'];

/**
 * security.msgSecCheck: version 1 (the default) answers `{errcode: 0}` or `{errcode: 87014,
 * errmsg: 'risky content'}`; version 2 answers errcode 0 with `result.suggest` (pass / risky)
 * and a label (100 normal, 20001 politics... here 20006 for anything risky), plus a trace_id.
 */
export function msgSecCheck(request: Readonly<Record<string, unknown>>, nowMs: number): Record<string, unknown> {
  const content = typeof request.content === 'string' ? request.content : '';
  const risky = RISKY_MARKERS.some((marker) => content.includes(marker));
  if (request.version === 2) {
    const suggest = risky ? 'risky' : 'pass';
    const label = risky ? 20006 : 100;
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest, label }],
      trace_id: `local-${nowMs}`,
    };
  }
  return risky ? { errcode: WeChatErrcode.RISKY_CONTENT, errmsg: 'risky content' } : { errcode: 0, errmsg: 'ok' };
}
