import type { DomainEvent } from '../../src/modules/events/domain-event';
import { EVENT_EXAMPLES } from '../../src/event-catalogue';
import { ChannelsRepository } from '../../src/modules/channels/channels.repository';
import { EventsService } from '../../src/modules/events/events.service';
import { Outbox, Publish } from '../../src/modules/events/outbox';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';

describe(Outbox.name, () => {
  let db: TestDatabase;
  let gw: TestGateway;
  const announced: DomainEvent[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
    gw.app.get(EventsService).subscribeCommitted({ onEventsCommitted: (events) => void announced.push(events) });
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  const received = (customerId: string) => ({
    type: 'message.received' as const,
    customerId,
    channelId: null,
    payload: EVENT_EXAMPLES['message.received'],
  });

  it('writes what a unit of work publishes in its transaction, in order, and announces it once committed', async () => {
    const { customerId } = await gw.newAccount();
    const outbox = gw.app.get(Outbox);
    const ids = await outbox.run(async (_tx, publish) => {
      const first = publish(received(customerId));
      const second = publish({ ...received(customerId), correlationId: 'req_outbox_test' });
      // Not announced before the work is done and committed.
      expect(announced.flat().some((event) => event.id === first)).toBe(false);
      return [first, second];
    });
    const rows = await db.prisma.domainEvent.findMany({ where: { customerId }, orderBy: { seq: 'asc' } });
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(rows[1].correlationId).toBe('req_outbox_test');
    expect(announced.find((batch) => batch.some((event) => event.id === ids[0]))?.map((event) => event.id)).toEqual(ids);
  });

  it('writes and announces nothing when the work throws', async () => {
    const { customerId } = await gw.newAccount();
    let id = '';
    await expect(
      gw.app.get(Outbox).run(async (_tx, publish) => {
        id = publish(received(customerId));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await db.prisma.domainEvent.count({ where: { customerId } })).toBe(0);
    expect(announced.flat().some((event) => event.id === id)).toBe(false);
  });

  it('refuses a publish after its unit of work ended', async () => {
    const { customerId } = await gw.newAccount();
    let late: Publish | undefined;
    await gw.app.get(Outbox).run(async (_tx, publish) => {
      late = publish;
    });
    expect(() => late!(received(customerId))).toThrow(/after its unit of work ended/);
    expect(await db.prisma.domainEvent.count({ where: { customerId } })).toBe(0);
  });

  it('runs in plain SQL, refusing a repository call that needs Prisma; with { prisma: true } both kinds work in one transaction', async () => {
    const { customerId } = await gw.newAccount();
    const channels = gw.app.get(ChannelsRepository);
    let plainId = '';
    await expect(
      gw.app.get(Outbox).run(async (tx, publish) => {
        plainId = publish(received(customerId));
        await channels.countActive(tx, customerId); // a Prisma model query
      }),
    ).rejects.toThrow('this repository call queries through Prisma, and the transaction is plain SQL');
    const [count, eventId] = await gw.app
      .get(Outbox)
      .run(async (tx, publish) => [await channels.countActive(tx, customerId), publish(received(customerId))] as const, { prisma: true });
    expect(count).toBe(0);
    const rows = await db.prisma.domainEvent.findMany({ where: { customerId } });
    expect(rows.map((row) => row.id)).toEqual([eventId]);
    expect(announced.flat().find((event) => event.id === eventId)).toMatchObject({ id: eventId, seq: rows[0].seq });
    expect(announced.flat().some((event) => event.id === plainId)).toBe(false);
  });
});
