import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SNIFF_BYTES } from './media-types';
import { ByteRange, MediaStorage, MediaTooLargeError, StagedObject } from './media-storage';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Media on local disk: `<root>/objects/<first two hex digits>/<sha256>`. Bytes are written to `<root>/tmp`
 * first and renamed into place, which is atomic on one file system: a reader never sees a partial file,
 * and concurrent uploads of the same bytes end with one file (the last rename replaces an identical one).
 */
export class LocalMediaStorage extends MediaStorage {
  private readonly objects: string;
  private readonly tmp: string;

  constructor(readonly root: string) {
    super();
    this.objects = path.join(root, 'objects');
    this.tmp = path.join(root, 'tmp');
  }

  async stage(input: Readable | Buffer, options: { maxBytes: number }): Promise<StagedObject> {
    const file = await stageFile(this.tmp, input, options.maxBytes);
    let settled = false;
    return {
      sha256: file.sha256,
      size: file.size,
      head: file.head,
      commit: async () => {
        if (settled) throw new Error('staged media already committed or discarded');
        const target = this.pathOf(file.sha256);
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        await fs.promises.rename(file.path, target);
        settled = true;
        return file.sha256;
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await fs.promises.rm(file.path, { force: true });
      },
    };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const handle = await fs.promises.open(this.pathOf(key), 'r');
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  removeStaleStaging(olderThanMs: number, now = Date.now()): Promise<number> {
    return removeStaleFiles(this.tmp, olderThanMs, now);
  }

  pathOf(key: string): string {
    if (!SHA256.test(key)) throw new Error(`not a media storage key: ${key}`);
    return path.join(this.objects, key.slice(0, 2), key);
  }
}

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  head: Buffer;
}

/** Writes the bytes to a new file in `dir` while hashing and measuring them; nothing is left on failure. */
export async function stageFile(dir: string, input: Readable | Buffer, maxBytes: number): Promise<StagedFile> {
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  const meter = new HashingMeter(maxBytes);
  try {
    await pipeline(
      Buffer.isBuffer(input) ? Readable.from([input]) : input,
      meter,
      fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }),
    );
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  return { path: file, sha256: meter.digest(), size: meter.size, head: meter.head() };
}

/** Removes files of `dir` older than the given age (staging left by a process that stopped mid-upload). */
export async function removeStaleFiles(dir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  const entries = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const file = path.join(dir, name);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (stat && now - stat.mtimeMs > olderThanMs) {
      await fs.promises.rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Passes bytes through while hashing them, counting them against a limit and keeping the first ones. */
class HashingMeter extends Transform {
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  size = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(new MediaTooLargeError(this.maxBytes));
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
