import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { startHoldingReceiver } from './support/holding-receiver';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, publish, receivedWithText, textOf } from './support/webhooks';

describe('Webhook delivery fairness between endpoints', () => {
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

  it('delivers to a healthy endpoint while a receiver that does not answer holds only its share of the slots', async () => {
    const stuck = await startHoldingReceiver();
    const gw = await TestGateway.start(db.prisma, {
      egressAllowedHosts: ['127.0.0.1'],
      webhooks: { attemptTimeoutMs: 60_000, retryScheduleMs: [100], sweepIntervalMs: 500, concurrency: 4, endpointConcurrency: 2 },
    });
    try {
      const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
      await createEndpoint(gw, key, { url: stuck.url('/stuck') });
      await createEndpoint(gw, key, { url: receiver.url('/healthy') });
      const total = 12;
      // Each event of its own channel, so no delivery waits behind an older one of its lane.
      for (let i = 0; i < total; i++) {
        await publish(gw, { customerId, channelId: `fair-channel-${i}`, payload: receivedWithText(String(i)) });
      }
      // Every slot but the stuck endpoint's two stays free for the healthy one, which gets everything while
      // the stuck receiver still holds its first requests unanswered.
      const healthy = await eventually(
        () => receiver.at('/healthy').length === total && receiver.at('/healthy'),
        30_000,
        'healthy deliveries',
      );
      expect(new Set(healthy.map((got) => textOf(got.body))).size).toBe(total);
      expect(stuck.held.length).toBe(2);
      expect(stuck.texts).toHaveLength(2);

      // Once it answers, the stuck endpoint gets the rest, each event once.
      const answering = setInterval(() => stuck.answerAll(), 20);
      try {
        await eventually(() => stuck.texts.length >= total, 30_000, 'stuck endpoint deliveries');
      } finally {
        clearInterval(answering);
      }
      expect(new Set(stuck.texts).size).toBe(total);
      expect(stuck.texts).toHaveLength(total);
    } finally {
      stuck.answerAll();
      await gw.close();
      await stuck.close();
    }
  });

  it('lends a receiver alone the slots nobody uses but one share, which another endpoint then gets', async () => {
    const stuck = await startHoldingReceiver();
    const gw = await TestGateway.start(db.prisma, {
      egressAllowedHosts: ['127.0.0.1'],
      webhooks: { attemptTimeoutMs: 60_000, retryScheduleMs: [100], sweepIntervalMs: 500, concurrency: 6, endpointConcurrency: 2 },
    });
    try {
      const { customerId, key } = await gw.newAccount({ plan: 'unlimited' });
      await createEndpoint(gw, key, { url: stuck.url('/stuck') });
      for (let i = 0; i < 8; i++) {
        await publish(gw, { customerId, channelId: `alone-channel-${i}`, payload: receivedWithText(`alone ${i}`) });
      }
      // Alone, it holds four requests at once: its share of two and two borrowed; the last two slots stay free.
      await eventually(() => stuck.held.length === 4, 30_000, 'four requests held by the stuck receiver');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stuck.held).toHaveLength(4);

      // Another endpoint gets every event through the two slots left; the stuck one gets no more of them.
      await createEndpoint(gw, key, { url: receiver.url('/next') });
      const total = 6;
      for (let i = 0; i < total; i++) {
        await publish(gw, { customerId, channelId: `next-channel-${i}`, payload: receivedWithText(`next ${i}`) });
      }
      await eventually(() => receiver.at('/next').length === total, 30_000, 'deliveries to the next endpoint');
      expect(stuck.held).toHaveLength(4);
    } finally {
      // Answered as they come, so that the attempts still running end and the gateway closes at once.
      const answering = setInterval(() => stuck.answerAll(), 20);
      await gw.close();
      clearInterval(answering);
      stuck.answerAll();
      await stuck.close();
    }
  });
});
