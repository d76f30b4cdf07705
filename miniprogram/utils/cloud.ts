/** One cloud function call, with "no answer at all" kept apart from whatever the function answered. */
export type CallOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly errMsg: string };

/**
 * `wx.cloud.callFunction` in the cloud environment app.ts initialised. It rejects when the call
 * never reached the function or the function crashed (network down, timeout, -504002); that is
 * a different message for the user than an answer saying no.
 */
export async function callCloudFunction(name: string, data: Record<string, unknown> = {}): Promise<CallOutcome> {
  try {
    const response = await wx.cloud.callFunction({ name, data });
    return { ok: true, result: response.result };
  } catch (error) {
    const errMsg = typeof error === 'object' && error !== null ? (error as { errMsg?: unknown }).errMsg : undefined;
    return { ok: false, errMsg: typeof errMsg === 'string' ? errMsg : String(error) };
  }
}
