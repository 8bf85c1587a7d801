import http from 'node:http';
import https from 'node:https';
import { EgressGuard, EgressRefusedError } from '../../platform/egress/egress-guard';
import { toStorableText } from '../../platform/storable-text';

const SNIPPET_BYTES = 1024;

export interface SendResult {
  /** null when no HTTP answer came (network error, timeout, refused by the egress guard). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** The egress guard refused the address. */
  refused: boolean;
  responseSnippet: string | null;
}

/**
 * One HTTP POST through the egress guard's agents, with a deadline covering connection to last byte.
 * Only the first KiB of the answer is kept; the rest is drained so the keep-alive socket can be reused.
 */
export function postJson(
  guard: EgressGuard,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed() });
    };
    let target: URL;
    try {
      target = new URL(url);
      guard.assertAllowedUrl(target);
    } catch (error) {
      const refused = error instanceof EgressRefusedError;
      resolve({
        statusCode: null,
        latencyMs: 0,
        refused,
        error: refused ? `refused by the egress guard: ${error.message}` : 'invalid URL',
        responseSnippet: null,
      });
      return;
    }
    const send = target.protocol === 'https:' ? https.request : http.request;
    const request = send(target, {
      method: 'POST',
      agent: guard.agentFor(target),
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.once('error', (error) => {
      const refused = error instanceof EgressRefusedError || (error as { code?: string }).code === 'EGRESS_REFUSED';
      finish({
        statusCode: null,
        refused,
        error: refused
          ? `refused by the egress guard: ${error.message}`
          : `${(error as { code?: string }).code ?? 'error'}: ${error.message}`,
        responseSnippet: null,
      });
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < SNIPPET_BYTES) {
          chunks.push(chunk.subarray(0, SNIPPET_BYTES - kept));
          kept += Math.min(chunk.length, SNIPPET_BYTES - kept);
        }
      });
      const done = (error: string | null) =>
        finish({
          statusCode: response.statusCode ?? null,
          refused: false,
          error,
          // The receiver's bytes, stored with the attempt: a NUL in them would fail the write (and the
          // attempt would be retried as if it were never made), so it is kept as U+FFFD.
          responseSnippet: kept > 0 ? toStorableText(Buffer.concat(chunks).toString('utf8')) : null,
        });
      response.once('end', () => done(null));
      response.once('error', (error) => done(`the answer was cut: ${error.message}`));
      response.once('aborted', () => done('the answer was cut'));
    });
    request.end(body);
  });
}
