import { Agent, fetch, type Response } from 'undici';
import { mediaAgent, mediaDispatcher } from '../media/media-host';
import { decodeError, decodeValue, type EncodedError, encodeValue } from './codec';
import type { MediaClient } from './simulator';
import { SIMULATOR_API_METHODS, type SimulatorApi, type SimulatorApiMethod } from './simulator-api';

/** The control API could not be reached, or answered something that is not its own answer. */
export class SimulatorUnreachable extends Error {
  override readonly name = 'SimulatorUnreachable';
}

/** How long one call may take: pairing waits for the companion, which takes a few seconds at most. */
const CALL_TIMEOUT_MS = 60_000;

/**
 * A simulator running in another process (`npm run simulator`), driven through its control API's call route
 * with the same asynchronous interface as the in-process one (SimulatorApi). Arguments and results keep their
 * Buffers, Dates and undefined; the simulator's refusals are rebuilt as the same error classes.
 */
export class RemoteSimulator {
  private constructor(
    private readonly controlUrl: string,
    private readonly http: Agent,
    readonly url: string,
    readonly mediaHost: string,
    readonly mediaCaPem: string,
  ) {
    for (const name of SIMULATOR_API_METHODS) {
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => this.call(name, args);
    }
  }

  /** Reads where the simulator's WebSocket and media host are; fails with SimulatorUnreachable if it is not up. */
  static async connect(controlUrl: string): Promise<RemoteSimulator & SimulatorApi> {
    const base = controlUrl.replace(/\/+$/, '');
    const http = new Agent();
    try {
      const status = (await request(http, base, 'GET', '/status')) as { url?: unknown; mediaHost?: unknown };
      const ca = (await request(http, base, 'GET', '/media-ca')) as { pem?: unknown };
      if (typeof status.url !== 'string' || typeof status.mediaHost !== 'string' || typeof ca.pem !== 'string') {
        throw new SimulatorUnreachable(`${base} does not answer as a WhatsApp simulator's control API`);
      }
      return new RemoteSimulator(base, http, status.url, status.mediaHost, ca.pem) as RemoteSimulator & SimulatorApi;
    } catch (error) {
      await http.close();
      throw error;
    }
  }

  /** Closes the connections to the control API (the simulator itself runs on). */
  async close(): Promise<void> {
    await this.http.close();
  }

  createMediaClient(): MediaClient {
    const agent = mediaAgent(this.mediaCaPem);
    const dispatcher = mediaDispatcher(this.mediaHost, this.mediaCaPem);
    return {
      agent,
      dispatcher,
      close: async () => {
        agent.destroy();
        await dispatcher.close();
      },
    };
  }

  private async call(method: SimulatorApiMethod, args: unknown[]): Promise<unknown> {
    const answer = (await request(this.http, this.controlUrl, 'POST', `/call/${method}`, { args: args.map(encodeValue) })) as {
      result?: unknown;
      thrown?: EncodedError;
    };
    if (answer.thrown) throw decodeError(answer.thrown);
    return decodeValue(answer.result);
  }
}

async function request(http: Agent, base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      dispatcher: http,
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    const reason = cause?.message ? `${(error as Error).message} (${cause.message})` : (error as Error).message;
    throw new SimulatorUnreachable(`the WhatsApp simulator at ${base} did not answer ${method} ${path}: ${reason}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SimulatorUnreachable(`the WhatsApp simulator at ${base} answered ${method} ${path} with something other than JSON`);
  }
  // the call route answers a thrown error with 422 and `thrown`; any other failure is the route's own
  if (!response.ok && !(json as { thrown?: unknown }).thrown) {
    throw new SimulatorUnreachable(
      `the WhatsApp simulator at ${base} refused ${method} ${path} (${response.status}): ${(json as { error?: string }).error ?? text}`,
    );
  }
  return json;
}
