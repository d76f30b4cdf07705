import type cloud from 'wx-server-sdk';
import { rowsOf, withCollection } from '@wxhub/function-kit';

type Database = ReturnType<typeof cloud.database>;

/** A document of `setconfig`: one per config_name. `value` is what other functions read. */
export interface SetconfigEntry {
  readonly _id: string;
  readonly config_name: string;
  readonly value?: string;
  /** Absolute expiry of `value`, epoch milliseconds. */
  readonly expires_at?: number;
  readonly refreshed_at?: Date;
  readonly last_error?: { readonly message: string; readonly code: string; readonly at: Date } | null;
}

/**
 * The `setconfig` collection, addressed by `config_name` (documents written by older code
 * have random ids; new ones get the config name as id, so two concurrent runs cannot create
 * two documents for one name).
 */
export class SetconfigCollection {
  constructor(
    private readonly db: Database,
    private readonly name: string,
  ) {}

  async find(configName: string): Promise<SetconfigEntry | undefined> {
    const query = () => this.db.collection(this.name).where({ config_name: configName }).limit(1).get();
    return rowsOf<SetconfigEntry>(await withCollection(this.db, this.name, query))[0];
  }

  async saveToken(existing: SetconfigEntry | undefined, configName: string, value: string, expiresAt: number): Promise<void> {
    const fields = { config_name: configName, value, expires_at: expiresAt, refreshed_at: this.db.serverDate(), last_error: null };
    if (existing) await this.db.collection(this.name).doc(existing._id).update({ data: fields });
    else await this.create(configName, fields);
  }

  /** Records a failed refresh; the previous `value` stays untouched. */
  async saveError(existing: SetconfigEntry | undefined, configName: string, message: string, code: string): Promise<void> {
    const lastError = { message, code, at: this.db.serverDate() };
    // update() merges a nested object field by field, which fails on `last_error: null`;
    // command.set replaces the field whole.
    if (existing)
      await this.db
        .collection(this.name)
        .doc(existing._id)
        .update({ data: { last_error: this.db.command.set(lastError) } });
    else await this.create(configName, { config_name: configName, last_error: lastError });
  }

  /** A new entry gets its config name as id, so two concurrent runs cannot create two. */
  private async create(configName: string, fields: Record<string, unknown>): Promise<void> {
    await withCollection(this.db, this.name, () => this.db.collection(this.name).doc(configName).set({ data: fields }));
  }
}
