import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { removeStaleFiles, stageFile } from './local-media-storage';
import { ByteRange, MediaStorage, StagedObject } from './media-storage';
import { EMPTY_SHA256, S3Credentials, signS3Request, uriEncode } from './s3-signature';

const SHA256 = /^[0-9a-f]{64}$/;

export interface S3Settings extends S3Credentials {
  /** e.g. https://s3.eu-west-1.amazonaws.com, http://minio:9000 */
  endpoint: string;
  bucket: string;
  /** Bucket in the path (MinIO and most self-hosted servers) rather than in the host name. */
  forcePathStyle: boolean;
  /** Object keys start with it, e.g. "media/". */
  prefix: string;
}

/** An S3 answer other than the expected one; `code` is ENOENT for 404 so readers treat it as a missing file. */
export class S3RequestError extends Error {
  override readonly name = 'S3RequestError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Media in an S3-compatible bucket, content-addressed like the local storage: `<prefix><sha256>`. Bytes are
 * staged to a local temporary file (hashed and measured on the way, so the upload is signed with its real
 * SHA-256) and uploaded with one PUT on `commit`; PUT replaces atomically, so equal bytes uploaded at once
 * still end as one object. Requests are signed with AWS Signature Version 4 (no SDK).
 */
export class S3MediaStorage extends MediaStorage {
  private readonly endpoint: URL;

  constructor(
    private readonly settings: S3Settings,
    private readonly stagingDir: string,
  ) {
    super();
    this.endpoint = new URL(settings.endpoint);
  }

  async stage(input: Readable | Buffer, options: { maxBytes: number }): Promise<StagedObject> {
    const file = await stageFile(this.stagingDir, input, options.maxBytes);
    let settled = false;
    const discard = async () => {
      if (settled) return;
      settled = true;
      await fs.promises.rm(file.path, { force: true });
    };
    return {
      sha256: file.sha256,
      size: file.size,
      head: file.head,
      commit: async () => {
        if (settled) throw new Error('staged media already committed or discarded');
        const key = file.sha256;
        const response = await this.send('PUT', key, {
          payloadSha256: file.sha256,
          headers: { 'content-length': String(file.size), 'content-type': 'application/octet-stream' },
          body: () => fs.createReadStream(file.path),
        });
        response.resume();
        expectStatus(response, [200], 'PUT', key);
        await discard();
        return key;
      },
      discard,
    };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const response = await this.send('GET', key, { headers: range ? { range: `bytes=${range.start}-${range.end}` } : {} });
    if (response.statusCode !== 200 && response.statusCode !== 206) {
      response.resume();
      expectStatus(response, [200, 206], 'GET', key);
    }
    return response;
  }

  async delete(key: string): Promise<void> {
    const response = await this.send('DELETE', key);
    response.resume();
    if (response.statusCode !== 404) expectStatus(response, [200, 204], 'DELETE', key);
  }

  async exists(key: string): Promise<boolean> {
    const response = await this.send('HEAD', key);
    response.resume();
    if (response.statusCode === 404) return false;
    expectStatus(response, [200], 'HEAD', key);
    return true;
  }

  removeStaleStaging(olderThanMs: number, now = Date.now()): Promise<number> {
    return removeStaleFiles(this.stagingDir, olderThanMs, now);
  }

  /** The URL of an object (exposed for tests). */
  urlOf(key: string): URL {
    if (!SHA256.test(key)) throw new Error(`not a media storage key: ${key}`);
    const objectPath = `${this.settings.prefix}${key}`.split('/').map(uriEncode).join('/');
    const url = new URL(this.endpoint.toString());
    const basePath = url.pathname.replace(/\/+$/, '');
    if (this.settings.forcePathStyle) {
      url.pathname = `${basePath}/${uriEncode(this.settings.bucket)}/${objectPath}`;
    } else {
      url.hostname = `${this.settings.bucket}.${url.hostname}`;
      url.pathname = `${basePath}/${objectPath}`;
    }
    return url;
  }

  private send(
    method: string,
    key: string,
    options: { headers?: Record<string, string>; payloadSha256?: string; body?: () => Readable } = {},
  ): Promise<http.IncomingMessage> {
    const url = this.urlOf(key);
    const headers = signS3Request({
      method,
      url,
      headers: { host: url.host, ...options.headers },
      payloadSha256: options.payloadSha256 ?? EMPTY_SHA256,
      credentials: this.settings,
    });
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers });
      request.once('response', resolve);
      request.once('error', reject);
      if (options.body)
        options
          .body()
          .once('error', (error) => request.destroy(error))
          .pipe(request);
      else request.end();
    });
  }
}

function expectStatus(response: http.IncomingMessage, expected: number[], method: string, key: string): void {
  const status = response.statusCode ?? 0;
  if (expected.includes(status)) return;
  throw new S3RequestError(status, status === 404 ? 'ENOENT' : `S3_${status}`, `S3 ${method} ${key} answered ${status}`);
}
