/** `{errcode, errmsg, data}`, the shape every wxhub function answers, or undefined. */
export function replyOf(result: unknown): { errcode: number; errmsg: string; data?: unknown } | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { errcode, errmsg, data } = result as { errcode?: unknown; errmsg?: unknown; data?: unknown };
  if (typeof errcode !== 'number') return undefined;
  return { errcode, errmsg: typeof errmsg === 'string' ? errmsg : '', data };
}
