import type { Readable } from 'node:stream';

/** The byte range of a read, both ends inclusive (as in HTTP's Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Bytes written to a storage's staging area, hashed and measured, not yet visible under a key. */
export interface StagedObject {
  sha256: string;
  size: number;
  /** The first bytes (up to SNIFF_BYTES), to check the type before committing. */
  head: Buffer;
  /** Makes the bytes readable under their key (content address) and returns the key. Idempotent for equal bytes. */
  commit(): Promise<string>;
  /** Drops the staged bytes. */
  discard(): Promise<void>;
}

/** More bytes than allowed were offered to `stage`; nothing is kept. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';

  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

/**
 * Where media bytes live. Objects are content-addressed by their SHA-256, so equal bytes are stored once
 * whoever uploads them; the records that reference them are counted by the service, which alone decides
 * when an object may be deleted.
 *
 * Implementations: `LocalMediaStorage` (DATA_DIR/media) and `S3MediaStorage` (an S3-compatible bucket; it
 * stages to a local temporary file the same way and uploads on `commit`).
 */
export abstract class MediaStorage {
  /** Writes the bytes to a staging area while hashing them; fails with MediaTooLargeError past maxBytes. */
  abstract stage(input: Readable | Buffer, options: { maxBytes: number }): Promise<StagedObject>;

  /** A stream of the object's bytes, or of one range of them. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;

  /** Deletes the object; deleting one that is not there is not an error. */
  abstract delete(key: string): Promise<void>;

  abstract exists(key: string): Promise<boolean>;

  /** Removes staged bytes older than the given age, left by a process that stopped mid-upload. */
  abstract removeStaleStaging(olderThanMs: number): Promise<number>;

  /** Stages and commits in one step; returns the key, hash and size. */
  async put(input: Readable | Buffer, options: { maxBytes: number }): Promise<{ key: string; sha256: string; size: number }> {
    const staged = await this.stage(input, options);
    try {
      return { key: await staged.commit(), sha256: staged.sha256, size: staged.size };
    } catch (error) {
      await staged.discard();
      throw error;
    }
  }
}
