/**
 * B's own `registrations` collection, read and written by the register page itself through
 * `wx.cloud.database()` — no function in between. Its permission is "creator only" (PRIVATE, see
 * wxhub.config.*.json and the deploy's console steps): a page's `get()` returns only the user's
 * own records and `add` stamps `_openid`, so nothing here names the user.
 */
export const REGISTRATIONS = 'registrations';

export interface OwnRegistration {
  readonly name: string;
}

/** The user's own earlier registration, or null (none, or the database could not be read). */
export async function readOwnRegistration(): Promise<OwnRegistration | null> {
  try {
    const { data } = await wx.cloud.database().collection(REGISTRATIONS).limit(1).get();
    const [record] = data;
    return record && typeof record.name === 'string' ? { name: record.name } : null;
  } catch (error) {
    console.warn(`register: could not read ${REGISTRATIONS}: ${describe(error)}`);
    return null;
  }
}

/** Remembers that this user registered as `name` (the user's own record; a failure only loses the reminder). */
export async function recordRegistration(name: string): Promise<void> {
  try {
    await wx.cloud.database().collection(REGISTRATIONS).add({ data: { name } });
  } catch (error) {
    console.warn(`register: could not record the registration: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  const errMsg = typeof error === 'object' && error !== null ? (error as { errMsg?: unknown }).errMsg : undefined;
  return typeof errMsg === 'string' ? errMsg : String(error);
}
