import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { MessageDispatcher } from '../../src/modules/messages/message-dispatcher';
import { OutboundMessageProcessor } from '../../src/modules/messages/outbound-message.processor';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { freePort } from '../support/throwaway-servers';
import type { TestChannel } from '../support/channels';
import { TestContext } from '../support/context';
import { digits, newPhone } from '../support/phones';

/** A redis-server of this test alone: stopping it never touches the shared one. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()],
    { stdio: 'ignore' },
  );
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
        socket.on('error', () => resolve(false));
      }),
    (up) => up,
    10_000,
  );
  return child;
}

function stopRedis(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The message settings of these tests, with the sweeper running every `ms`. */
function sweepingEvery(ms: number) {
  return { messages: { clientRefWindowHours: 24, sendWaitMs: 100, sendMaxWaitMs: 10_000, sweepIntervalMs: ms } };
}

/**
 * Holds sends between the 202 and the dispatch: the queue is paused in Redis, so no worker takes a job, and
 * this process's worker is paused, so no send starts at its acceptance either. Returns what lets them go.
 */
async function holdDispatch(ctx: TestContext): Promise<() => Promise<void>> {
  const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
  const worker = ctx.gw.app.get(OutboundMessageProcessor).worker;
  await queue.pause();
  await worker.pause(true);
  return async () => {
    await worker.resume();
    await queue.resume();
  };
}

async function sendHeld(channel: TestChannel, to: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await channel.send({ type: 'text', to, text: `held ${i}` });
    expect(res.body.status).toBe('queued');
    ids.push(res.body.message_id);
  }
  return ids;
}

async function expectEachReceivedOnce(ctx: TestContext, channel: TestChannel, to: string, ids: string[]): Promise<void> {
  for (const id of ids) await channel.waitForStatus(id, 'delivered', 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const texts = ctx.simulator.received(digits(to)).map((m) => (m.content.type === 'text' ? m.content.text : ''));
  expect(texts.sort()).toEqual(ids.map((_, i) => `held ${i}`).sort());
}

describe('Outbound durability', () => {
  it('sends exactly once what was accepted before a gateway restart', async () => {
    const ctx = await new TestContext().start();
    try {
      await ctx.restart(sweepingEvery(300));
      const channel = await ctx.newChannel({ paired: true });
      const to = newPhone();
      await holdDispatch(ctx);
      const ids = await sendHeld(channel, to, 3);
      await ctx.restart(sweepingEvery(300));
      await expectEachReceivedOnce(ctx, channel, to, ids);
    } finally {
      await ctx.stop();
    }
  });

  it('gives each of many sends accepted at once its own job and sends each once', async () => {
    const ctx = await new TestContext().start();
    try {
      // No sweep while the test looks at the queue: every job seen is one the sends added.
      await ctx.restart(sweepingEvery(600_000));
      const channel = await ctx.newChannel({ paired: true });
      const to = newPhone();
      const release = await holdDispatch(ctx);
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => channel.send({ type: 'text', to, text: `held ${i}` })));
      const ids = answers.map((res) => res.body.message_id as string);
      const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
      for (const id of ids) expect((await queue.getJob(id))?.data).toEqual({ messageId: id, channelId: channel.id });
      expect(await queue.getWaitingCount()).toBe(30);
      await release();
      await expectEachReceivedOnce(ctx, channel, to, ids);
    } finally {
      await ctx.stop();
    }
  });

  it('has the sweeper queue again only the sends whose job is gone, however long the backlog', async () => {
    const ctx = await new TestContext().start();
    try {
      // No sweep of its own while the test looks at the queue.
      await ctx.restart(sweepingEvery(600_000));
      const channel = await ctx.newChannel({ paired: true });
      const to = newPhone();
      const release = await holdDispatch(ctx);
      const ids = await sendHeld(channel, to, 3);
      const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
      await queue.remove(ids[1]);
      expect(await queue.getJob(ids[1])).toBeUndefined();

      const dispatcher = ctx.gw.app.get(MessageDispatcher);
      const backlog = ids.map((id) => ({ id, channelId: channel.id }));
      expect(await dispatcher.enqueueMissing(backlog)).toBe(1);
      expect(await dispatcher.enqueueMissing(backlog)).toBe(0);
      for (const id of ids) expect((await queue.getJob(id))?.data).toEqual({ messageId: id, channelId: channel.id });

      await release();
      await expectEachReceivedOnce(ctx, channel, to, ids);
    } finally {
      await ctx.stop();
    }
  });

  it('keeps sends to a channel that lost its connection and sends them once it is back', async () => {
    const ctx = await new TestContext().start({ reconnect: { baseDelayMs: 1_000, maxDelayMs: 2_000, maxAttempts: 10 } });
    try {
      const channel = await ctx.newChannel({ paired: true });
      const to = newPhone();
      ctx.simulator.refuseConnections(6_000);
      await channel.http.post(`/v1/sandbox/channels/${channel.id}/drop`).set(bearer(channel.key)).expect(200);
      await eventually(
        () =>
          channel.http
            .get(`/v1/channels/${channel.id}/status`)
            .set(bearer(channel.key))
            .then((r) => r.body.status),
        (s) => s !== 'connected',
      );
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await channel.send({ type: 'text', to, text: `held ${i}` });
        expect(res.body.status).toBe('queued');
        ids.push(res.body.message_id);
      }
      await expectEachReceivedOnce(ctx, channel, to, ids);
    } finally {
      await ctx.stop();
    }
  });

  it('loses nothing when Redis restarts empty between the 202 and the dispatch', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const ctx = await new TestContext().start();
    try {
      await ctx.restart(sweepingEvery(300), url);
      const channel = await ctx.newChannel({ paired: true });
      const to = newPhone();
      const release = await holdDispatch(ctx);
      const ids = await sendHeld(channel, to, 3);
      await stopRedis(redis);
      redis = await startRedis(port);
      // The new Redis knows no pause; the worker is let go once it reaches it.
      await release();
      await expectEachReceivedOnce(ctx, channel, to, ids);
    } finally {
      await ctx.stop().catch(() => undefined);
      await stopRedis(redis);
    }
  });
});
