import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Outbox } from '../../src/modules/events/outbox';
import { WebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher';
import { WebhooksRepository } from '../../src/modules/webhooks/webhooks.repository';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { createTestDatabase, TestDatabase } from '../support/database';
import { deleteRedisPrefix, TestGateway } from '../support/gateway';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, delivery, publish, receivedWithText, textOf } from './support/webhooks';

describe('Webhook delivery durability', () => {
  let db: TestDatabase;
  let receiver: Receiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('delivers an event whose gateway stopped between commit and enqueue, once another gateway starts', async () => {
    const first = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
    const { customerId, key } = await first.newAccount({ plan: 'unlimited' });
    await createEndpoint(first, key, { url: receiver.url('/crash') });
    // The producer's transaction commits, and the process dies before the committed hand-off queues anything.
    jest.spyOn(first.app.get(WebhookDispatcher), 'onEventsCommitted').mockResolvedValue(undefined);
    const event = await first.app
      .get(Outbox)
      .publish({ type: 'message.received', customerId, channelId: null, payload: receivedWithText('1') });
    await first.close();
    const pending = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { domainEventId: event.id } });
    expect(pending).toMatchObject({ status: 'pending', attempts: 0 });

    // The same deployment: same configuration and secrets, a new process.
    const second = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], secrets: first.config.secrets });
    try {
      const [got] = await eventually(() => receiver.at('/crash').length === 1 && receiver.at('/crash'), 20_000, 'sweeper delivery');
      expect(got.body).toMatchObject({ id: pending.id, attempt: 1, payload: receivedWithText('1') });
      // The receiver answered before the gateway recorded the attempt's end: it is recorded right after.
      await eventually(async () => (await delivery(second, key, pending.id)).status === 'delivered', 10_000, 'recorded delivered');
    } finally {
      await second.close();
    }
  });

  it('never sends the same attempt twice from two gateways sharing the database and the queue', async () => {
    const redisKeyPrefix = `wiu-test-${randomBytes(6).toString('hex')}:`;
    const a = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], redisKeyPrefix });
    const b = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'], redisKeyPrefix, secrets: a.config.secrets });
    try {
      const { customerId, key } = await a.newAccount();
      // Half of the first attempts fail, so retries race too.
      receiver.respond = (request) =>
        request.path === '/pair' && request.body.attempt === 1 && Number(textOf(request.body)) % 2 === 0 ? 503 : 200;
      await createEndpoint(a, key, { url: receiver.url('/pair') });
      const total = 60;
      await Promise.all(
        Array.from({ length: total }, (_, n) =>
          publish(n % 2 === 0 ? a : b, { customerId, channelId: `chan-${n % 6}`, payload: receivedWithText(String(n)) }),
        ),
      );
      // Duplicate jobs for every first attempt, in both processes' queue: both race to claim each attempt.
      const ids = (await db.prisma.webhookDelivery.findMany({ where: { customerId }, select: { id: true } })).map((d) => d.id);
      expect(ids).toHaveLength(total);
      const queue = b.app.get<Queue>(getQueueToken(QUEUES.webhookDelivery));
      await queue.addBulk(
        ids.map((deliveryId) => ({
          name: 'deliver',
          data: { deliveryId, attempt: 1 },
          opts: { jobId: `dup-${deliveryId}`, removeOnComplete: true, removeOnFail: true },
        })),
      );

      await eventually(
        async () => (await db.prisma.webhookDelivery.count({ where: { customerId, status: 'delivered' } })) === total,
        30_000,
        'every delivery delivered',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const received = receiver.at('/pair');
      const attempts = received.map((r) => `${r.body.id}#${r.body.attempt}`);
      expect(new Set(attempts).size).toBe(attempts.length);
      expect(received.filter((r) => r.body.attempt === 1)).toHaveLength(total);
      expect(received.filter((r) => r.body.attempt === 2)).toHaveLength(total / 2);
      const recorded = await db.prisma.webhookAttempt.count({ where: { delivery: { customerId } } });
      expect(recorded).toBe(received.length);
    } finally {
      receiver.respond = () => 200;
      // Both stop before their shared Redis keys go.
      await Promise.all([a.flushAudit(), b.flushAudit()]);
      await Promise.all([a.app.close(), b.app.close()]);
      await deleteRedisPrefix(redisKeyPrefix);
    }
  });

  it('sends the first attempts of one channel to one endpoint in the order the events happened', async () => {
    const gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
    try {
      const { customerId, key } = await gw.newAccount();
      receiver.respond = (request) =>
        request.path === '/order' && request.body.attempt === 1 && Number(textOf(request.body)) % 7 === 3 ? 500 : 200;
      await createEndpoint(gw, key, { url: receiver.url('/order') });
      const total = 40;
      for (let n = 0; n < total; n++) await publish(gw, { customerId, channelId: 'chan-ordered', payload: receivedWithText(String(n)) });
      await eventually(
        async () => (await db.prisma.webhookDelivery.count({ where: { customerId, status: 'delivered' } })) === total,
        30_000,
        'every delivery delivered',
      );
      const firsts = receiver
        .at('/order')
        .filter((r) => r.body.attempt === 1)
        .map((r) => Number(textOf(r.body)));
      expect(firsts).toEqual(Array.from({ length: total }, (_, n) => n));
    } finally {
      receiver.respond = () => 200;
      await gw.close();
    }
  });

  it('runs the first attempts of a lane one after the other in the job that released them, each claimed as the one before ends', async () => {
    const gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
    try {
      const { customerId, key } = await gw.newAccount();
      await createEndpoint(gw, key, { url: receiver.url('/lane') });
      const wake = jest.spyOn(gw.app.get(WebhookDispatcher), 'wake');
      const claim = jest.spyOn(gw.app.get(WebhooksRepository), 'claim');
      const total = 30;
      // One unit of work: one job for the lane's oldest delivery, and the rest of the lane behind it.
      await gw.app.get(Outbox).run(async (_tx, publishInTx) => {
        for (let n = 0; n < total; n++)
          publishInTx({
            type: 'message.received',
            customerId,
            channelId: 'chan-lane',
            payload: receivedWithText(String(n)),
            correlationId: null,
          });
      });
      await eventually(async () => receiver.at('/lane').length === total, 30_000, 'the whole lane delivered');
      // A job goes on down its lane for up to LANE_RUN_MS, then hands the rest to a job: one a second at most.
      // Each step's attempt is claimed by the statement that ends the one before it, not by a claim of its own.
      expect({
        order: receiver.at('/lane').map((r) => Number(textOf(r.body))),
        fewWakes: wake.mock.calls.length <= 3,
        fewClaims: claim.mock.calls.length <= 1 + wake.mock.calls.length,
      }).toEqual({ order: Array.from({ length: total }, (_, n) => n), fewWakes: true, fewClaims: true });
    } finally {
      await gw.close();
    }
  });
});
