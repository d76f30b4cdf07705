import type { BlobStore, StoredFile } from '../storage/blob-store';
import type { SqliteConnection } from './sqlite-file';

interface FileRow {
  path: string;
  content: Buffer;
  content_type: string;
  uploaded_at: number;
  etag: string;
  owner: string | null;
}

/**
 * An environment's cloud files in the same SQLite file as its collections (one lock, one
 * durability rule: a returned put is on disk). Contents are read from SQLite on demand rather
 * than held in memory; upload order is the `seq` column, and a replaced file moves to the end.
 */
export class SqliteBlobStore implements BlobStore {
  private readonly statements;

  /** @internal better-sqlite3 is an optional peer: its types stay out of the published declarations. */
  constructor(db: SqliteConnection) {
    this.statements = {
      get: db.prepare<[string], FileRow>('SELECT path, content, content_type, uploaded_at, etag, owner FROM files WHERE path = ?'),
      put: db.prepare(
        `INSERT INTO files (path, seq, content, content_type, uploaded_at, etag, owner)
         VALUES (@path, (SELECT coalesce(max(seq), 0) + 1 FROM files), @content, @contentType, @uploadedAt, @etag, @owner)
         ON CONFLICT (path) DO UPDATE SET seq = excluded.seq, content = excluded.content,
           content_type = excluded.content_type, uploaded_at = excluded.uploaded_at, etag = excluded.etag, owner = excluded.owner`,
      ),
      delete: db.prepare<[string]>('DELETE FROM files WHERE path = ?'),
      paths: db.prepare<[], string>('SELECT path FROM files ORDER BY seq').pluck(),
      clear: db.prepare('DELETE FROM files'),
    };
  }

  get(path: string): StoredFile | undefined {
    const row = this.statements.get.get(path);
    if (!row) return undefined;
    return {
      path: row.path,
      content: Buffer.from(row.content),
      contentType: row.content_type,
      uploadedAt: row.uploaded_at,
      etag: row.etag,
      ...(row.owner === null ? {} : { owner: row.owner }),
    };
  }

  put(file: StoredFile): void {
    this.statements.put.run({
      path: file.path,
      content: file.content,
      contentType: file.contentType,
      uploadedAt: file.uploadedAt,
      etag: file.etag,
      owner: file.owner ?? null,
    });
  }

  delete(path: string): boolean {
    return this.statements.delete.run(path).changes > 0;
  }

  paths(): string[] {
    return this.statements.paths.all();
  }

  clear(): void {
    this.statements.clear.run();
  }
}
