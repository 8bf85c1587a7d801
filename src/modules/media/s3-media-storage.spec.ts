import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MediaTooLargeError } from './media-storage';
import { S3MediaStorage, S3RequestError } from './s3-media-storage';
import { signS3Request } from './s3-signature';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test-key', region: 'eu-west-1' };

/**
 * An in-memory stand-in for an S3 server: path-style PUT/GET (with Range)/HEAD/DELETE. It checks each
 * request's signature by signing the same request again, and that a PUT body hashes to the signed SHA-256.
 */
class FakeS3 {
  readonly objects = new Map<string, Buffer>();
  readonly log: string[] = [];
  private server!: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => this.handle(request, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    this.log.push(`${request.method} ${url.pathname}`);
    const auth = String(request.headers.authorization ?? '');
    const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1].split(';') ?? [];
    const signed = Object.fromEntries(signedNames.filter((n) => !n.startsWith('x-amz-')).map((n) => [n, String(request.headers[n])]));
    const payload = String(request.headers['x-amz-content-sha256']);
    const amzDate = String(request.headers['x-amz-date']);
    const now = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const expected = signS3Request({ method: request.method!, url, headers: signed, payloadSha256: payload, credentials, now }).authorization;
    if (auth !== expected) return void response.writeHead(403).end('SignatureDoesNotMatch');
    const key = url.pathname;
    switch (request.method) {
      case 'PUT':
        if (createHash('sha256').update(body).digest('hex') !== payload) return void response.writeHead(400).end('XAmzContentSHA256Mismatch');
        this.objects.set(key, body);
        return void response.writeHead(200).end();
      case 'GET':
      case 'HEAD': {
        const object = this.objects.get(key);
        if (!object) return void response.writeHead(404).end();
        const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
        if (range) {
          const part = object.subarray(Number(range[1]), Number(range[2]) + 1);
          return void response.writeHead(206, { 'Content-Length': part.length }).end(part);
        }
        return void response.writeHead(200, { 'Content-Length': object.length }).end(request.method === 'GET' ? object : undefined);
      }
      case 'DELETE':
        this.objects.delete(key);
        return void response.writeHead(204).end();
      default:
        response.writeHead(405).end();
    }
  }
}

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
      { ...credentials, secretAccessKey: 'not-the-secret', endpoint: storage.urlOf('0'.repeat(64)).origin, bucket: 'media-bucket', forcePathStyle: true, prefix: '' },
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
