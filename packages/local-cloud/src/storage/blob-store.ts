/**
 * Where one environment's stored files live. The in-memory store below is the engine today; a
 * persistent one implements the same interface and is handed to the local cloud as a
 * BlobStoreFactory (the same shape as the database's DatabaseStoreFactory).
 *
 * Contract: stored files are immutable values. Callers never mutate what `get()` returns, and
 * the store keeps its own copy of what `put()` is given.
 */
export interface StoredFile {
  /** The cloud path (the part of the fileID after the bucket), e.g. `avatars/u1.png`. */
  readonly path: string;
  readonly content: Buffer;
  readonly contentType: string;
  /** Clock time of the upload, ms since the epoch. */
  readonly uploadedAt: number;
  /** The hex MD5 of the content, which COS answers as the ETag. */
  readonly etag: string;
  /**
   * Who uploaded it from a page (`resource.openid` of storage rules, what the "creator" modes
   * compare); absent for a file a function, the console or a tool wrote (no client may claim it).
   */
  readonly owner?: string;
}

export interface BlobStore {
  get(path: string): StoredFile | undefined;
  /** Inserts or replaces by path. */
  put(file: StoredFile): void;
  delete(path: string): boolean;
  /** Every stored path, in upload order. */
  paths(): string[];
  clear(): void;
}

export type BlobStoreFactory = (envId: string) => BlobStore;

export class MemoryBlobStore implements BlobStore {
  private readonly files = new Map<string, StoredFile>();

  get(path: string): StoredFile | undefined {
    return this.files.get(path);
  }

  put(file: StoredFile): void {
    // A replaced file moves to the end, as a fresh upload.
    this.files.delete(file.path);
    this.files.set(file.path, { ...file, content: Buffer.from(file.content) });
  }

  delete(path: string): boolean {
    return this.files.delete(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  clear(): void {
    this.files.clear();
  }
}

export const memoryBlobStoreFactory: BlobStoreFactory = () => new MemoryBlobStore();
