import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { WebhookDeliveryProcessor } from '../../src/modules/webhooks/webhook-delivery.processor';
import { WebhooksMetrics } from '../../src/modules/webhooks/webhooks.metrics';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { startHoldingReceiver } from './support/holding-receiver';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, publish, receivedWithText, textOf } from './support/webhooks';

async function firstAttemptsStarted(gw: TestGateway): Promise<{ commit: number; queue: number }> {
  const { values } = await gw.app.get(WebhooksMetrics).firstAttempts.get();
  const of = (start: string) => values.find((value) => value.labels.start === start)?.value ?? 0;
  return { commit: of('commit'), queue: of('queue') };
}

describe('First webhook attempts started at their commit', () => {
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

  it('delivers a new event without the queue when a slot is free, and through the queue when the worker is paused', async () => {
    const gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
    const queue = gw.app.get<Queue>(getQueueToken(QUEUES.webhookDelivery));
    try {
      const { customerId, key } = await gw.newAccount();
      await createEndpoint(gw, key, { url: receiver.url('/at-commit') });
      // No job is taken from the queue: only a first attempt run at its commit can reach the receiver.
      await queue.pause();
      for (let i = 0; i < 5; i++) await publish(gw, { customerId, channelId: `commit-${i}`, payload: receivedWithText(`commit ${i}`) });
      await eventually(() => receiver.at('/at-commit').length === 5, 10_000, 'deliveries run at their commit');
      expect(await firstAttemptsStarted(gw)).toEqual({ commit: 5, queue: 0 });
      await queue.resume();

      // A paused worker runs nothing, at commit either: the first attempts wait in the queue for it. (The queue
      // is paused too, or the worker's fetch already waiting would still take a job.)
      const worker = gw.app.get(WebhookDeliveryProcessor).worker;
      await queue.pause();
      await worker.pause(true);
      for (let i = 0; i < 3; i++) await publish(gw, { customerId, channelId: `queued-${i}`, payload: receivedWithText(`queued ${i}`) });
      expect(await firstAttemptsStarted(gw)).toEqual({ commit: 5, queue: 3 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.at('/at-commit')).toHaveLength(5);
      await worker.resume();
      await queue.resume();
      await eventually(() => receiver.at('/at-commit').length === 8, 10_000, 'queued deliveries');
      const texts = receiver.at('/at-commit').map((request) => textOf(request.body));
      expect(new Set(texts).size).toBe(8);

      // Once the worker has found the queue empty again, new first attempts start at their commit again.
      await eventually(
        async () => {
          await publish(gw, { customerId, channelId: 'after-queue', payload: receivedWithText('after the queue') });
          return (await firstAttemptsStarted(gw)).commit > 5;
        },
        10_000,
        'a first attempt started at its commit after the queue drained',
      );
    } finally {
      await queue.resume();
      await gw.close();
    }
  });

  it('never runs more attempts at once than WEBHOOK_CONCURRENCY, at commit and from the queue together', async () => {
    const holding = await startHoldingReceiver();
    const gw = await TestGateway.start(db.prisma, {
      egressAllowedHosts: ['127.0.0.1'],
      webhooks: { attemptTimeoutMs: 60_000, retryScheduleMs: [100], sweepIntervalMs: 500, concurrency: 4, endpointConcurrency: 2 },
    });
    try {
      const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
      // Three endpoints with a share of two each: six slots by their shares, four in the process.
      for (const path of ['/a', '/b', '/c']) await createEndpoint(gw, key, { url: holding.url(path) });
      const events = 6;
      for (let i = 0; i < events; i++) {
        await publish(gw, { customerId, channelId: `shared-${i}`, payload: receivedWithText(`shared ${i}`) });
      }
      await eventually(() => holding.held.length === 4, 10_000, 'four requests held');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(holding.held).toHaveLength(4);
      expect((await firstAttemptsStarted(gw)).commit).toBeGreaterThan(0);

      // Answered as they come, every delivery gets through once.
      const answering = setInterval(() => holding.answerAll(), 20);
      try {
        await eventually(() => holding.seen.length >= events * 3, 30_000, 'every delivery');
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        clearInterval(answering);
      }
      const pairs = holding.seen.map(({ path, text }) => `${path} ${text}`);
      expect(new Set(pairs).size).toBe(events * 3);
      expect(pairs).toHaveLength(events * 3);
    } finally {
      const answering = setInterval(() => holding.answerAll(), 20);
      await gw.close();
      clearInterval(answering);
      holding.answerAll();
      await holding.close();
    }
  });

  it('records the answer to an attempt run at its commit before it shuts down', async () => {
    const holding = await startHoldingReceiver();
    const gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
    let closed = false;
    try {
      const { customerId, key } = await gw.newAccount();
      await createEndpoint(gw, key, { url: holding.url('/closing') });
      await publish(gw, { customerId, channelId: 'closing', payload: receivedWithText('closing') });
      await eventually(() => holding.held.length === 1, 10_000, 'the request held');
      expect(await firstAttemptsStarted(gw)).toEqual({ commit: 1, queue: 0 });
      // The receiver answers once the shutdown has begun; the shutdown waits for the answer to be recorded.
      setTimeout(() => holding.answerAll(), 300);
      await gw.close();
      closed = true;
      const delivery = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { customerId }, include: { attemptLog: true } });
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(delivery.attemptLog.map((attempt) => attempt.outcome)).toEqual(['succeeded']);
    } finally {
      holding.answerAll();
      if (!closed) await gw.close();
      await holding.close();
    }
  });
});
