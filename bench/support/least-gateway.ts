import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Batcher } from '../../src/platform/batcher';
import type { TestClient } from '../../test/simulator/support/client';

/**
 * The least a gateway that keeps its sends can do, as a second reference for the dispatch benchmark: a plain
 * `node:http` server (no framework, no key, no rate limit, no validation) that answers each
 * `POST /v1/channels/:id/messages` with 202 once an INSERT stored it, and sends it through a bare Baileys socket
 * (one at a time per channel, as the ceiling's loop does), then records it sent with an UPDATE that the next
 * send does not wait for. Both statements take every send that came while the one before ran, as the gateway's
 * do: at most two statements a message, fewer under load. Signal's sessions stay in the socket's memory,
 * receipts are not recorded, no event is kept for a webhook. What it costs the machine beyond the bare sockets
 * is what taking a send over HTTP and keeping it costs at the least.
 */
export interface LeastGateway {
  url: string;
  /** Every UPDATE finished, and the first that failed (if one did) thrown. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Send {
  id: string;
  to: string;
  text: string;
}

export async function startLeastGateway(databaseUrl: string, sockets: Map<string, TestClient>): Promise<LeastGateway> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS least_gateway_sends (id uuid PRIMARY KEY, channel text NOT NULL, recipient text NOT NULL,
       body text NOT NULL, status text NOT NULL DEFAULT 'queued', created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz)`,
  );
  const queues = new Map<string, Send[]>([...sockets.keys()].map((channel) => [channel, []]));
  const sending = new Set<string>();
  let failure: unknown;
  // one statement at a time, each over every send that came while the one before ran (the gateway's Batcher)
  const insert = new Batcher<Send & { channel: string }, void>(
    async (sends) => {
      await pool.query({
        name: 'least_gateway_insert',
        text: `INSERT INTO least_gateway_sends (id, channel, recipient, body)
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
        values: [sends.map((s) => s.id), sends.map((s) => s.channel), sends.map((s) => s.to), sends.map((s) => s.text)],
      });
      return sends.map(() => undefined);
    },
    { maxSize: 1_000 },
  );
  const markSent = new Batcher<string, void>(
    async (ids) => {
      await pool.query({
        name: 'least_gateway_sent',
        text: `UPDATE least_gateway_sends SET status = 'sent', sent_at = now() WHERE id = ANY($1::uuid[])`,
        values: [ids],
      });
      return ids.map(() => undefined);
    },
    { maxSize: 1_000 },
  );

  const drain = async (channel: string) => {
    if (sending.has(channel)) return;
    sending.add(channel);
    const queue = queues.get(channel)!;
    const socket = sockets.get(channel)!;
    try {
      for (let send = queue.shift(); send; send = queue.shift()) {
        await socket.sock.sendMessage(send.to, { text: send.text });
        markSent.submit(send.id).catch((error: unknown) => (failure ??= error));
      }
    } catch (error) {
      // the run then waits for messages that never leave: say why at once
      failure ??= error;
      process.stderr.write(`least gateway: a send of ${channel} failed: ${String(error)}\n`);
    } finally {
      sending.delete(channel);
    }
  };

  const accept = async (channel: string, body: string): Promise<{ status: number; body: unknown }> => {
    const queue = queues.get(channel);
    if (!queue) return { status: 404, body: { error: 'no such channel' } };
    const { to, text } = JSON.parse(body) as { to: string; text: string };
    const recipient = `${to.replace(/^\+/, '')}@s.whatsapp.net`;
    const send = { id: randomUUID(), to: recipient, text };
    await insert.submit({ ...send, channel });
    queue.push(send);
    void drain(channel);
    return { status: 202, body: { id: send.id, status: 'queued' } };
  };

  const server = http.createServer((request, response) => {
    const channel = /^\/v1\/channels\/([^/]+)\/messages$/.exec(request.url ?? '')?.[1];
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer =
        channel && request.method === 'POST'
          ? accept(channel, Buffer.concat(chunks).toString())
          : Promise.resolve({ status: 404, body: {} });
      void answer
        .catch((error: unknown) => ({ status: 500, body: { error: String(error) } }))
        .then(({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    settled: async () => {
      await markSent.drained();
      if (failure) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}
