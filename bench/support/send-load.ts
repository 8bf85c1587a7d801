import path from 'node:path';
import { Pool } from 'undici';
import { forkBenchProcess } from './bench-process';

/**
 * The dispatch benchmark's API client, in a process of its own: it posts every message of a run over kept-alive
 * connections, as an API client on the same host would. In the gateway's process the client's requests and
 * answers (undici's writes, reads and header parsing) took turns with the gateway on the one event loop whose
 * saturation the benchmark is there to show; here they take the machine's cores like any other process.
 */

export interface SendLoadRun {
  /** The gateway's base URL, `http://127.0.0.1:port`. */
  url: string;
  key: string;
  channels: Array<{ id: string; contact: string }>;
  perChannel: number;
  /** Requests in flight per channel. */
  lanesPerChannel: number;
}

type FromLoad = { ready: true } | { accepted: true } | { failed: string };

/** The client's process, started and ready before any clock: `run` posts the messages and resolves once each was accepted. */
export async function startSendLoad(): Promise<{ pid: number; run(run: SendLoadRun): Promise<void>; stop(): void }> {
  const { child, next, ask } = forkBenchProcess<FromLoad>(path.join(__dirname, 'send-load-process.ts'), 'the send load');
  const ready = await next();
  if (!('ready' in ready)) throw new Error(`the send load's process did not start: ${JSON.stringify(ready)}`);
  return {
    pid: child.pid!,
    run: async (run) => {
      await ask(run);
    },
    stop: () => void child.kill(),
  };
}

/** In the client's process: every channel's messages, `lanesPerChannel` requests in flight for each, each answered 202. */
export async function postMessages({ url, key, channels, perChannel, lanesPerChannel }: SendLoadRun): Promise<void> {
  const client = new Pool(url, { connections: lanesPerChannel * channels.length });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  try {
    await Promise.all(
      channels.map(async ({ id, contact }) => {
        let next = 0;
        const lane = async () => {
          while (next < perChannel) {
            const n = next++;
            const body = JSON.stringify({ type: 'text', to: `+${contact}`, text: `gateway ${n}` });
            const answer = await client.request({ method: 'POST', path: `/v1/channels/${id}/messages`, headers, body });
            const text = await answer.body.text();
            if (answer.statusCode !== 202) throw new Error(`send ${n} of channel ${id} answered ${answer.statusCode}: ${text}`);
          }
        };
        await Promise.all(Array.from({ length: lanesPerChannel }, lane));
      }),
    );
  } finally {
    await client.close();
  }
}
