import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { textOf } from './webhooks';

/**
 * A webhook receiver that holds every request unanswered until `answerAll`: a receiver that is stuck, or slow
 * for as long as a test needs. Requests are told apart by path (one endpoint each).
 */
export async function startHoldingReceiver() {
  const held: http.ServerResponse[] = [];
  const seen: Array<{ path: string; text: string }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: Record<string, unknown> };
      seen.push({ path: request.url ?? '/', text: textOf(body) });
      held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: (path = '/held') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    held,
    seen,
    /** The message texts of the requests received so far (see `receivedWithText`). */
    get texts() {
      return seen.map(({ text }) => text);
    },
    answerAll: () => held.splice(0).forEach((response) => response.writeHead(200).end('ok')),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
