import { Inject, Injectable } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { EgressGuard } from '../../platform/egress/egress-guard';

export class MediaFetchError extends Error {}

/**
 * The bytes of a media send given by `source_url`: fetched through the egress guard (public addresses only
 * unless allowed), size-limited, once per attempt. A stored media id is resolved by the media module instead.
 */
@Injectable()
export class MediaSource {
  constructor(
    private readonly guard: EgressGuard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  fetch(url: string): Promise<{ data: Buffer; mimeType?: string }> {
    try {
      this.guard.assertAllowedUrl(url);
    } catch (error) {
      return Promise.reject(new MediaFetchError(`source_url refused: ${(error as Error).message}`));
    }
    const max = this.config.media.maxBytes;
    const client = url.startsWith('https:') ? https : http;
    const agent = url.startsWith('https:') ? this.guard.httpsAgent : this.guard.httpAgent;
    return new Promise((resolve, reject) => {
      const request = client.get(url, { agent, timeout: this.config.media.fetchTimeoutMs }, (response) => {
        if ((response.statusCode ?? 0) >= 300) {
          response.resume();
          reject(new MediaFetchError(`source_url answered ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            request.destroy(new MediaFetchError(`source_url is larger than ${max} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ data: Buffer.concat(chunks), mimeType: response.headers['content-type']?.split(';')[0] }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new MediaFetchError('source_url timed out')));
      request.on('error', (error) => reject(error instanceof MediaFetchError ? error : new MediaFetchError(`source_url fetch failed: ${error.message}`)));
    });
  }
}
