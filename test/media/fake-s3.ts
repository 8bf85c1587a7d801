import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signS3Request } from '../../src/modules/media/s3-signature';

export const FAKE_S3_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test-key', region: 'eu-west-1' };

/**
 * An in-memory stand-in for an S3 server: path-style PUT/GET (with Range)/HEAD/DELETE. It checks each
 * request's signature by signing the same request again, and that a PUT body hashes to the signed SHA-256.
 */
export class FakeS3 {
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
    const now = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const expected = signS3Request({
      method: request.method!,
      url,
      headers: signed,
      payloadSha256: payload,
      credentials: FAKE_S3_CREDENTIALS,
      now,
    }).authorization;
    if (auth !== expected) return void response.writeHead(403).end('SignatureDoesNotMatch');
    const key = url.pathname;
    switch (request.method) {
      case 'PUT':
        if (createHash('sha256').update(body).digest('hex') !== payload)
          return void response.writeHead(400).end('XAmzContentSHA256Mismatch');
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
