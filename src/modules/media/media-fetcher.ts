import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { EgressGuard, EgressRefusedError } from '../../platform/egress/egress-guard';

const MAX_REDIRECTS = 5;

export type FetchFailure =
  'egress_refused' | 'source_status' | 'source_unreachable' | 'source_timeout' | 'too_many_redirects' | 'too_large';

export class MediaFetchError extends Error {
  override readonly name = 'MediaFetchError';

  constructor(
    readonly reason: FetchFailure,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

/**
 * GETs a customer's `source_url` through the egress guard and hands the body (and its declared type) to
 * `consume`. Every hop of a redirect is checked by the guard like the first URL (and connected through its
 * agents, so a name that resolves to an internal address is refused too). One deadline covers connecting,
 * redirects and reading the body; a declared Content-Length over the limit is refused before reading.
 */
export async function fetchMedia<T>(
  guard: EgressGuard,
  url: string,
  options: FetchOptions,
  consume: (body: Readable, source: { contentType?: string }) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    let current = url;
    for (let redirects = 0; ; redirects += 1) {
      const response = await get(guard, current, controller.signal, options.timeoutMs);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) throw new MediaFetchError('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`);
        current = new URL(response.headers.location, current).toString();
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new MediaFetchError('source_status', `the source answered ${status}`, { status });
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        throw new MediaFetchError('too_large', `the source declares ${declared} bytes`, { size: declared, max_bytes: options.maxBytes });
      }
      controller.signal.addEventListener('abort', () => response.destroy(timeoutError(options.timeoutMs)), { once: true });
      try {
        return await consume(response, { contentType: response.headers['content-type']?.split(';')[0].trim() || undefined });
      } catch (error) {
        if (controller.signal.aborted) throw timeoutError(options.timeoutMs);
        throw error;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(timeoutMs: number): MediaFetchError {
  return new MediaFetchError('source_timeout', `the source did not answer in full within ${timeoutMs} ms`, { timeout_ms: timeoutMs });
}

function get(guard: EgressGuard, url: string, signal: AbortSignal, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
      guard.assertAllowedUrl(target);
    } catch (error) {
      const message = error instanceof EgressRefusedError ? error.message : 'not an absolute http(s) URL';
      return reject(new MediaFetchError('egress_refused', `refused by the egress guard: ${message}`, { url }));
    }
    if (signal.aborted) return reject(timeoutError(timeoutMs));
    const send = target.protocol === 'https:' ? https.get : http.get;
    const request = send(target, { agent: guard.agentFor(target), signal, headers: { 'User-Agent': 'WhatIsUp-Media/1', Accept: '*/*' } });
    request.once('response', resolve);
    request.once('error', (error: Error & { code?: string }) => {
      if (error instanceof EgressRefusedError || error.code === 'EGRESS_REFUSED') {
        reject(new MediaFetchError('egress_refused', `refused by the egress guard: ${error.message}`, { url }));
      } else if (signal.aborted) {
        reject(timeoutError(timeoutMs));
      } else {
        reject(new MediaFetchError('source_unreachable', `${error.code ?? 'error'}: ${error.message}`, { url }));
      }
    });
  });
}
