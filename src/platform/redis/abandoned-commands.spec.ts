import Redis from 'ioredis';
import net from 'node:net';
import { strayRejection } from '../stray-rejections';
import { ABANDONED_REDIS_COMMAND } from './abandoned-commands';

/** A port on this machine where nothing listens: a client of it keeps reconnecting. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ABANDONED_REDIS_COMMAND', () => {
  it('recognises what ioredis rejects a command with when its connection is closed on purpose while it waits', async () => {
    const client = new Redis({ port: await closedPort(), host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    const pending = client.get('anything');
    client.disconnect();
    const reason = await pending.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(strayRejection(reason, [ABANDONED_REDIS_COMMAND])).toEqual({
      source: 'a Redis connection',
      description: 'Connection is closed.',
    });
  });

  it('leaves every other rejection alone: a refused command, a retry limit, anything else', () => {
    const among = [ABANDONED_REDIS_COMMAND];
    expect(strayRejection(new Error('ERR unknown command'), among)).toBeUndefined();
    expect(strayRejection(new Error('Reached the max retries per request limit (which is 1).'), among)).toBeUndefined();
    expect(strayRejection('Connection is closed.', among)).toBeUndefined();
    expect(strayRejection(undefined, among)).toBeUndefined();
  });
});
