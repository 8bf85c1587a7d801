import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MediaTooLargeError } from './media-storage';
import { S3MediaStorage, S3RequestError } from './s3-media-storage';
import { FAKE_S3_CREDENTIALS as credentials, FakeS3 } from '../../../test/media/fake-s3';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe(S3MediaStorage.name, () => {
  const fake = new FakeS3();
  let storage: S3MediaStorage;
  let staging: string;

  beforeAll(async () => {
    const endpoint = await fake.start();
    staging = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-s3-staging-'));
    storage = new S3MediaStorage({ ...credentials, endpoint, bucket: 'media-bucket', forcePathStyle: true, prefix: 'media/' }, staging);
  });
  afterAll(async () => {
    await fake.close();
    fs.rmSync(staging, { recursive: true, force: true });
  });

  it('uploads on commit under the SHA-256, reads whole and ranges, deletes', async () => {
    const bytes = Buffer.from('%PDF-1.7 a small document for the bucket');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const staged = await storage.stage(bytes, { maxBytes: 1024 });
    expect(staged).toMatchObject({ sha256: sha, size: bytes.length });
    expect(fake.objects.size).toBe(0);
    expect(await staged.commit()).toBe(sha);
    expect(fake.log).toContain(`PUT /media-bucket/media/${sha}`);
    expect(fs.readdirSync(staging)).toEqual([]);

    expect(await storage.exists(sha)).toBe(true);
    expect(Buffer.compare(await readAll(await storage.get(sha)), bytes)).toBe(0);
    expect((await readAll(await storage.get(sha, { start: 1, end: 4 }))).toString()).toBe('PDF-');

    await storage.delete(sha);
    expect(await storage.exists(sha)).toBe(false);
    await expect(storage.get(sha)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.delete(sha);
  });

  it('discards staged bytes without uploading them, and refuses more than the limit', async () => {
    const staged = await storage.stage(Buffer.from('GIF89a....'), { maxBytes: 1024 });
    await staged.discard();
    expect(fs.readdirSync(staging)).toEqual([]);
    await expect(storage.stage(Buffer.alloc(2048), { maxBytes: 1024 })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(fs.readdirSync(staging)).toEqual([]);
  });

  it('reports a refused request (wrong credentials) as an S3RequestError', async () => {
    const wrong = new S3MediaStorage(
      {
        ...credentials,
        secretAccessKey: 'not-the-secret',
        endpoint: storage.urlOf('0'.repeat(64)).origin,
        bucket: 'media-bucket',
        forcePathStyle: true,
        prefix: '',
      },
      staging,
    );
    const staged = await wrong.stage(Buffer.from('hello'), { maxBytes: 1024 });
    await expect(staged.commit()).rejects.toBeInstanceOf(S3RequestError);
    await staged.discard();
  });

  it('puts the bucket in the host name unless path style is forced', () => {
    const virtual = new S3MediaStorage(
      { ...credentials, endpoint: 'https://s3.eu-west-1.amazonaws.com', bucket: 'b', forcePathStyle: false, prefix: 'm/' },
      staging,
    );
    expect(virtual.urlOf('a'.repeat(64)).toString()).toBe(`https://b.s3.eu-west-1.amazonaws.com/m/${'a'.repeat(64)}`);
  });
});
