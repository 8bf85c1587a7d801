import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { MessageDispatcher } from '../../src/modules/messages/message-dispatcher';
import { MessageSweeper } from '../../src/modules/messages/message-sweeper';
import { MessagesRepository } from '../../src/modules/messages/messages.repository';
import { OutboundMessageProcessor, SEND_SLOTS, SLOTS_PER_CHANNEL } from '../../src/modules/messages/outbound-message.processor';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { TestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { digits, newPhone } from '../support/phones';

describe('Sends started at their acceptance', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await new TestContext().start();
  });
  afterAll(async () => {
    await ctx.stop();
  });

  const textsReceivedBy = (to: string) =>
    ctx.simulator.received(digits(to)).map((message) => (message.content.type === 'text' ? message.content.text : ''));

  it('sends a message accepted by the process holding the socket without the queue', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    // No job is taken from the queue: only a send started at its acceptance can reach the contact.
    await queue.pause();
    try {
      const accepted = await channel.send({ type: 'text', to, text: 'at acceptance' });
      expect(accepted.body.status).toBe('queued');
      await channel.waitForStatus(accepted.body.message_id, 'delivered');
      expect(await queue.getJob(accepted.body.message_id)).toBeUndefined();
      expect(textsReceivedBy(to)).toEqual(['at acceptance']);
    } finally {
      await queue.resume();
    }
  });

  it("lets sends beyond the channel's share of slots wait in the process rather than go through the queue, and the sweeper leaves them", async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    const dispatcher = ctx.gw.app.get(MessageDispatcher);
    const messages = ctx.gw.app.get(MessagesRepository);
    // Claims are held until the sweep below has run: the first sends take the channel's share of slots, 24 others wait.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const claimAll = messages.claimAll.bind(messages);
    const claims = jest.spyOn(messages, 'claimAll').mockImplementation((ids, leaseMs) => released.then(() => claimAll(ids, leaseMs)));
    const started = jest.spyOn(dispatcher, 'dispatch');
    const queued = jest.spyOn(dispatcher, 'enqueue');
    const swept = jest.spyOn(dispatcher, 'enqueueMissing');
    // Only a send the process took at its acceptance can reach the contact.
    await queue.pause();
    try {
      const accepted = await Promise.all(
        Array.from({ length: SLOTS_PER_CHANNEL + 24 }, (_, i) => channel.send({ type: 'text', to, text: `held ${i}` })),
      );
      const ids = accepted.map((res) => res.body.message_id as string);
      await eventually(
        async () => started.mock.calls.length,
        (count) => count === SLOTS_PER_CHANNEL,
        10_000,
      );
      await ctx.gw.app.get(MessageSweeper).sweep([channel.id], 0);
      expect(swept.mock.calls.flatMap(([messages]) => messages.map((m) => m.id)).filter((id) => ids.includes(id))).toEqual([]);
      release();
      for (const id of ids) await channel.waitForStatus(id, 'delivered');
      expect(queued.mock.calls.filter(([messageId]) => ids.includes(messageId))).toEqual([]);
      expect(textsReceivedBy(to).sort()).toEqual(ids.map((_, i) => `held ${i}`).sort());
    } finally {
      release();
      claims.mockRestore();
      started.mockRestore();
      queued.mockRestore();
      swept.mockRestore();
      await queue.resume();
    }
  });

  it("leaves other channels slots while one channel's sends are held: a busy channel holds its share, not every slot", async () => {
    const busy = await ctx.newChannel({ paired: true });
    const other = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    const dispatcher = ctx.gw.app.get(MessageDispatcher);
    // The busy channel's sends hold their slots until released, as behind a WhatsApp that does not answer.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const dispatch = dispatcher.dispatch.bind(dispatcher);
    const started = jest
      .spyOn(dispatcher, 'dispatch')
      .mockImplementation((job) => (job.channelId === busy.id ? released.then(() => dispatch(job)) : dispatch(job)));
    const busyStarted = () => started.mock.calls.filter(([job]) => job.channelId === busy.id).length;
    await queue.pause();
    try {
      const held = await Promise.all(Array.from({ length: SEND_SLOTS + 8 }, (_, i) => busy.send({ type: 'text', to, text: `busy ${i}` })));
      await eventually(
        async () => busyStarted(),
        (count) => count === SLOTS_PER_CHANNEL,
        10_000,
      );
      const sent = await other.send({ type: 'text', to: newPhone(), text: 'not behind the busy channel' });
      await other.waitForStatus(sent.body.message_id, 'delivered');
      expect(busyStarted()).toBe(SLOTS_PER_CHANNEL);
      release();
      for (const res of held) await busy.waitForStatus(res.body.message_id, 'delivered');
      expect(textsReceivedBy(to).sort()).toEqual(held.map((_, i) => `busy ${i}`).sort());
    } finally {
      release();
      started.mockRestore();
      await queue.resume();
    }
  });

  it('queues a send while the worker is paused, and sends it once when the worker is back', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const queue = ctx.gw.app.get<Queue>(getQueueToken(QUEUES.outboundMessages));
    const worker = ctx.gw.app.get(OutboundMessageProcessor).worker;
    // The queue is paused too, or the worker's fetch already waiting would still take the job.
    await queue.pause();
    await worker.pause(true);
    let released = false;
    try {
      const accepted = await channel.send({ type: 'text', to, text: 'queued' });
      const id = accepted.body.message_id as string;
      expect((await queue.getJob(id))?.data).toEqual({ messageId: id, channelId: channel.id });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await channel.message(id)).toMatchObject({ status: 'queued' });
      expect(textsReceivedBy(to)).toEqual([]);
      await worker.resume();
      await queue.resume();
      released = true;
      await channel.waitForStatus(id, 'delivered');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(textsReceivedBy(to)).toEqual(['queued']);

      // Once the worker has found the queue empty again, sends start at their acceptance again: not queued.
      const queued = jest.spyOn(ctx.gw.app.get(MessageDispatcher), 'enqueue');
      try {
        await eventually(
          async () => {
            const again = await channel.send({ type: 'text', to, text: 'after the queue' });
            return queued.mock.calls.some(([messageId]) => messageId === again.body.message_id);
          },
          (wasQueued) => !wasQueued,
          10_000,
        );
      } finally {
        queued.mockRestore();
      }
    } finally {
      if (!released) {
        await worker.resume();
        await queue.resume();
      }
    }
  });

  it('sends twenty accepted one after the other each once, in the order they were accepted', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const to = newPhone();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await channel.send({ type: 'text', to, text: `in order ${i}` })).body.message_id as string);
    for (const id of ids) await channel.waitForStatus(id, 'delivered');
    expect(textsReceivedBy(to)).toEqual(ids.map((_, i) => `in order ${i}`));
  });
});
