import type Redis from 'ioredis';
import { AccountsService } from '../../src/modules/accounts/accounts.service';
import { REDIS } from '../../src/platform/redis/redis-connection';
import { EventsService } from '../../src/modules/events/events.service';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { SseClient } from '../support/sse';
import { eventually, Receiver } from '../webhooks/support/receiver';
import { createEndpoint, publish, receivedWithText, textOf } from '../webhooks/support/webhooks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One customer with a live and a test key, and one channel of each mode. */
async function twoModes(gw: TestGateway) {
  const customer = await gw.newCustomer({ plan: 'unlimited' });
  const live = await gw.newKey({ customerId: customer.id, mode: 'live' });
  const test = await gw.newKey({ customerId: customer.id, mode: 'test' });
  const channel = async (key: string) =>
    (await gw.http.post('/v1/channels').set(bearer(key)).send({ name: 'main' }).expect(201)).body.id as string;
  return { customerId: customer.id, live, test, liveChannel: await channel(live.key), testChannel: await channel(test.key) };
}

describe('Event streams', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let receiver: Receiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], sseMaxStreamsPerKey: 2 });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await gw.close();
    await receiver.close();
    await db.drop();
  });

  describe('modes', () => {
    it("gives a live key's stream only live channels' events, and a test key's only test channels'", async () => {
      const account = await twoModes(gw);
      const liveStream = await SseClient.open(gw, '/v1/events', account.live.key);
      const testStream = await SseClient.open(gw, '/v1/events', account.test.key);
      try {
        await publish(gw, { customerId: account.customerId, channelId: account.testChannel, payload: receivedWithText('test secret') });
        await publish(gw, { customerId: account.customerId, channelId: account.liveChannel, payload: receivedWithText('live secret') });
        await publish(gw, { customerId: account.customerId, channelId: account.testChannel, payload: receivedWithText('test again') });
        await testStream.waitFor(2);
        await liveStream.waitFor(1);
        await sleep(500);
        expect(liveStream.events.map((e) => [e.data.channel_id, textOf(e.data)])).toEqual([[account.liveChannel, 'live secret']]);
        expect(testStream.events.map((e) => [e.data.channel_id, textOf(e.data)])).toEqual([
          [account.testChannel, 'test secret'],
          [account.testChannel, 'test again'],
        ]);

        // A replay from the start of the log is filtered the same way.
        const replay = await SseClient.open(gw, '/v1/events', account.live.key, '0');
        try {
          await replay.waitFor(1);
          await sleep(300);
          expect(replay.events.map((e) => textOf(e.data))).toEqual(['live secret']);
        } finally {
          replay.close();
        }
      } finally {
        liveStream.close();
        testStream.close();
      }
    });

    it("delivers a channel's events only to endpoints of its mode, and lists endpoints, deliveries and audit rows by mode", async () => {
      const account = await twoModes(gw);
      const liveHook = await createEndpoint(gw, account.live.key, { url: receiver.url('/modes-live') });
      const testHook = await createEndpoint(gw, account.test.key, { url: receiver.url('/modes-test') });

      await publish(gw, { customerId: account.customerId, channelId: account.testChannel, payload: receivedWithText('for test') });
      await publish(gw, { customerId: account.customerId, channelId: account.liveChannel, payload: receivedWithText('for live') });
      await eventually(() => receiver.at('/modes-live').length >= 1 && receiver.at('/modes-test').length >= 1);
      await gw.http.post(`/v1/webhooks/${testHook.id}/test`).set(bearer(account.test.key)).expect(202);
      await eventually(() => receiver.at('/modes-test').length >= 2);
      await sleep(500);
      expect(receiver.at('/modes-live').map((r) => textOf(r.body as never))).toEqual(['for live']);
      expect(receiver.at('/modes-test').map((r) => (r.body as { event: string }).event)).toEqual(['message.received', 'webhook.test']);
      expect(textOf(receiver.at('/modes-test')[0].body as never)).toBe('for test');

      const ids = async (key: string, path: string) =>
        ((await gw.http.get(path).set(bearer(key)).expect(200)).body.data as Array<{ id: string }>).map((x) => x.id);
      expect(await ids(account.live.key, '/v1/webhooks')).toEqual([liveHook.id]);
      expect(await ids(account.test.key, '/v1/webhooks')).toEqual([testHook.id]);
      expect(errorCode(await gw.http.get(`/v1/webhooks/${testHook.id}`).set(bearer(account.live.key)).expect(404))).toBe(
        'webhook_endpoint_not_found',
      );
      expect(errorCode(await gw.http.get(`/v1/webhooks/${testHook.id}/deliveries`).set(bearer(account.live.key)).expect(404))).toBe(
        'webhook_endpoint_not_found',
      );
      const testDeliveries = await ids(account.test.key, `/v1/webhooks/${testHook.id}/deliveries`);
      expect(errorCode(await gw.http.get(`/v1/webhook-deliveries/${testDeliveries[0]}`).set(bearer(account.live.key)).expect(404))).toBe(
        'not_found',
      );

      await gw.flushAudit();
      const actors = async (key: string) =>
        (
          (await gw.http.get('/v1/audit-events').set(bearer(key)).expect(200)).body.data as Array<{ actor: { api_key_id: string | null } }>
        ).map((row) => row.actor.api_key_id);
      const liveRows = await actors(account.live.key);
      const testRows = await actors(account.test.key);
      expect(liveRows.length).toBeGreaterThan(0);
      expect(testRows.length).toBeGreaterThan(0);
      expect(new Set(liveRows)).toEqual(new Set([account.live.id]));
      expect(new Set(testRows)).toEqual(new Set([account.test.id]));
    });
  });

  describe('keys', () => {
    it('ends an open stream when its key is revoked, saying why', async () => {
      const customer = await gw.newCustomer();
      const key = await gw.newKey({ customerId: customer.id });
      const stream = await SseClient.open(gw, '/v1/events', key.key);
      try {
        expect(stream.status).toBe(200);
        await gw.app.get(AccountsService).revokeApiKey(key.id);
        await stream.waitForEnd(10_000);
        expect(stream.endedWith?.reason).toBe('auth_invalid');
      } finally {
        stream.close();
      }
    });

    it('ends an open stream when its key expires, saying why', async () => {
      const customer = await gw.newCustomer();
      const key = await gw.newKey({ customerId: customer.id, expiresAt: new Date(Date.now() + 3_000).toISOString() });
      const stream = await SseClient.open(gw, '/v1/events', key.key);
      try {
        expect(stream.status).toBe(200);
        await stream.waitForEnd(15_000);
        expect(stream.endedWith?.reason).toBe('auth_expired');
      } finally {
        stream.close();
      }
    });

    it('answers rate_limited beyond the streams a key may hold, and frees a slot when a stream closes', async () => {
      const { key, customerId } = await gw.newAccount();
      const other = await gw.newKey({ customerId });
      const first = await SseClient.open(gw, '/v1/events', key);
      const second = await SseClient.open(gw, '/v1/events', key);
      try {
        expect([first.status, second.status]).toEqual([200, 200]);
        const refused = await SseClient.open(gw, '/v1/events', key);
        refused.close();
        expect(refused.status).toBe(429);
        expect(refused.refusal?.error?.code).toBe('rate_limited');
        // The cap is per key: another key of the customer still streams.
        const elsewhere = await SseClient.open(gw, '/v1/events', other.key);
        expect(elsewhere.status).toBe(200);
        elsewhere.close();

        first.close();
        const third = await eventually(async () => {
          const stream = await SseClient.open(gw, '/v1/events', key);
          if (stream.status === 200) return stream;
          stream.close();
          return undefined;
        }, 5_000);
        third.close();
      } finally {
        first.close();
        second.close();
      }
    });
    it("counts a key's streams over every gateway process", async () => {
      const other = await TestGateway.start(db.prisma, { redisKeyPrefix: gw.config.redisKeyPrefix, sseMaxStreamsPerKey: 2 });
      const { key } = await gw.newAccount();
      const here = await SseClient.open(gw, '/v1/events', key);
      const there = await SseClient.open(other, '/v1/events', key);
      try {
        expect([here.status, there.status]).toEqual([200, 200]);
        const refused = await SseClient.open(other, '/v1/events', key);
        refused.close();
        expect(refused.status).toBe(429);
        expect(refused.refusal?.error?.code).toBe('rate_limited');

        here.close();
        const freed = await eventually(async () => {
          const stream = await SseClient.open(other, '/v1/events', key);
          if (stream.status === 200) return stream;
          stream.close();
          return undefined;
        }, 5_000);
        freed.close();
      } finally {
        here.close();
        there.close();
        await other.app.close();
      }
    });
  });

  describe('wake-ups', () => {
    it('does not read the log for idle streams, nor for events they do not show', async () => {
      const streams: SseClient[] = [];
      const events = gw.app.get(EventsService);
      const reads = jest.spyOn(events, 'listAfter');
      try {
        for (let i = 0; i < 5; i++) {
          const customer = await gw.newCustomer();
          const key = await gw.newKey({ customerId: customer.id });
          streams.push(await SseClient.open(gw, '/v1/events', key.key));
          streams.push(await SseClient.open(gw, '/v1/events', key.key));
        }
        await sleep(500);
        reads.mockClear();
        // Another customer's event concerns none of them.
        const stranger = await gw.newCustomer();
        await publish(gw, { customerId: stranger.id, channelId: null });
        await sleep(3_000);
        expect(reads.mock.calls.length).toBeLessThan(streams.length);
      } finally {
        reads.mockRestore();
        streams.forEach((stream) => stream.close());
      }
    });

    it('publishes no notice while no other process listens, and publishes again once one says hello', async () => {
      const redis = gw.app.get<Redis>(REDIS);
      const notices = jest.spyOn(redis, 'publish');
      const noticesSent = () => notices.mock.calls.filter(([, message]) => String(message).includes('"notices"')).length;
      const { customerId } = await gw.newAccount();
      try {
        // the first notice may go out (another process is assumed until one reached no one); none after it
        await publish(gw, { customerId, channelId: null });
        await sleep(200);
        notices.mockClear();
        await publish(gw, { customerId, channelId: null });
        await publish(gw, { customerId, channelId: null });
        await sleep(200);
        expect(noticesSent()).toBe(0);

        const other = await TestGateway.start(db.prisma, { redisKeyPrefix: gw.config.redisKeyPrefix });
        try {
          await sleep(300);
          await publish(gw, { customerId, channelId: null });
          await eventually(() => noticesSent() >= 1);
        } finally {
          await other.app.close();
        }
      } finally {
        notices.mockRestore();
      }
    });

    it('wakes a stream of another gateway process through Redis, without waiting for the catch-up', async () => {
      const other = await TestGateway.start(db.prisma, { redisKeyPrefix: gw.config.redisKeyPrefix });
      // The other process' catch-up never finds anything new: only the Redis notice can wake its stream.
      jest.spyOn(other.app.get(EventsService), 'newestSeq').mockResolvedValue(0n);
      const { key, customerId } = await gw.newAccount();
      const channel = (await gw.http.post('/v1/channels').set(bearer(key)).send({ name: 'main' }).expect(201)).body.id as string;
      const stream = await SseClient.open(other, '/v1/events', key);
      try {
        expect(stream.status).toBe(200);
        await sleep(300);
        await publish(gw, { customerId, channelId: channel, payload: receivedWithText('across processes') });
        await stream.waitFor(1, 4_000);
        expect(textOf(stream.events[0].data)).toBe('across processes');
      } finally {
        stream.close();
        await other.app.close();
      }
    });
  });
});
