import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { DomainEvent, DomainEventInput } from '../../src/modules/events/domain-event';
import { EVENT_EXAMPLES } from '../../src/event-catalogue';
import { AuditService } from '../../src/modules/audit/audit.service';
import { ChannelsRepository } from '../../src/modules/channels/channels.repository';
import { EventsService } from '../../src/modules/events/events.service';
import { Outbox, Publish } from '../../src/modules/events/outbox';
import { WebhookDeliveryProcessor } from '../../src/modules/webhooks/webhook-delivery.processor';
import { WebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher';
import { SQL, type Sql } from '../../src/platform/database';
import { QUEUES } from '../../src/platform/queues/queue-names';
import { isIdOf } from '../../src/platform/ids';
import { createEndpoint } from '../webhooks/support/webhooks';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';

describe(Outbox.name, () => {
  let db: TestDatabase;
  let gw: TestGateway;
  const announced: DomainEvent[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // loopback receivers, for the deliveries of runAsOne
    gw = await TestGateway.start(db.prisma, { egressAllowedHosts: ['127.0.0.1'] });
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

  describe('runAsOne', () => {
    async function newChannel(key: string, name: string): Promise<{ id: string; version: number }> {
      const res = await gw.http.post('/v1/channels').set(bearer(key)).send({ name });
      if (res.status !== 201) throw new Error(`create channel: ${res.status}`);
      const row = await db.prisma.channel.findUniqueOrThrow({ where: { id: res.body.id as string } });
      return { id: row.id, version: row.version };
    }
    const rename = (channel: { id: string; version: number }, name: string) => ({
      text: 'UPDATE channels SET name = $3, version = version + 1 WHERE id = $1::uuid AND version = $2::int RETURNING id::text AS id, name',
      values: [channel.id, channel.version, name],
    });

    it('writes the write, what rides along and the events in one statement, and nothing of them when the write returns no row', async () => {
      const { customerId, key } = await gw.newAccount();
      const channel = await newChannel(key, 'one statement');
      const audit = gw.app.get(AuditService);
      const query = jest.spyOn(gw.app.get<Sql>(SQL), 'query');
      const settled: object[] = [];
      /** A unit renaming the channel under its version check, with an audit entry and an event riding on it. */
      const renameAudited = async (customerId: string, channel: { id: string; version: number }, name: string) => {
        let eventId = '';
        const row = await gw.app.get(Outbox).runAsOne(
          (publish) => {
            eventId = publish({ ...received(customerId), channelId: channel.id });
            const entry = { customerId, action: 'channel.renamed', resourceType: 'channel', resourceId: channel.id, channelId: channel.id };
            return { write: rename(channel, name), riding: [audit.stateChangeAlong({ ...entry, requestId: eventId, details: {} })] };
          },
          (written) => settled.push(written),
        );
        return [row, eventId] as const;
      };
      try {
        const [row, eventId] = await renameAudited(customerId, channel, 'renamed once');
        expect(row).toEqual({ id: channel.id, name: 'renamed once' });
        expect(settled).toEqual([row]);
        // one round trip: the only statement that names the change carries the events and the audit entry too
        const statements = query.mock.calls.map(([text]) => text).filter((text) => text.includes('UPDATE channels SET name'));
        expect(statements).toHaveLength(1);
        expect(statements[0]).toMatch(/INSERT INTO audit_events[\s\S]*INSERT INTO domain_events/);
        const event = await db.prisma.domainEvent.findUniqueOrThrow({ where: { id: eventId } });
        expect(event).toMatchObject({ customerId, channelId: channel.id, mode: 'test' });
        expect(await db.prisma.auditEvent.findMany({ where: { requestId: eventId } })).toMatchObject([
          { action: 'channel.renamed', mode: 'test' },
        ]);
        expect(announced.flat().find((e) => e.id === eventId)).toMatchObject({ seq: event.seq, mode: 'test' });

        // the same version again: the write finds no row, so neither the audit entry nor the event is written
        const [stale, staleId] = await renameAudited(customerId, channel, 'renamed twice');
        expect(stale).toBeNull();
        expect(settled).toHaveLength(1);
        expect(await db.prisma.domainEvent.count({ where: { id: staleId } })).toBe(0);
        expect(await db.prisma.auditEvent.count({ where: { requestId: staleId } })).toBe(0);
        expect(announced.flat().some((e) => e.id === staleId)).toBe(false);
        expect((await db.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).name).toBe('renamed once');
      } finally {
        query.mockRestore();
      }
    });

    it("writes the webhook deliveries a transaction's unit would, with ids in event then endpoint order, and queues each lane's first", async () => {
      const { customerId, key } = await gw.newAccount();
      const live = await gw.newKey({ customerId, mode: 'live' });
      const chan1 = await newChannel(key, 'filtered');
      const unreachable = 'http://127.0.0.1:9/';
      const endpoints = {
        all: await createEndpoint(gw, key, { url: `${unreachable}all` }),
        types: await createEndpoint(gw, key, { url: `${unreachable}types`, events: ['message.sent', 'channel.connected'] }),
        channel: await createEndpoint(gw, key, { url: `${unreachable}channel`, channel_id: chan1.id }),
        disabled: await createEndpoint(gw, key, { url: `${unreachable}disabled`, enabled: false }),
        liveMode: await createEndpoint(gw, live.key, { url: `${unreachable}live` }),
      };
      const other = await gw.newAccount();
      await createEndpoint(gw, other.key, { url: `${unreachable}other-customer` });
      const names = new Map(Object.entries(endpoints).map(([name, endpoint]) => [endpoint.id, name]));
      const events = (): DomainEventInput[] =>
        (
          [
            ['message.received', 'chan-2'],
            ['message.sent', 'chan-2'],
            ['channel.connected', chan1.id],
            // neither is a webhook event: no delivery
            ['message.read', chan1.id],
            ['channel.state_changed', chan1.id],
            ['message.delivered', chan1.id],
            ['message.received', null],
          ] as const
        ).map(
          ([type, channelId]) => ({ type, customerId, channelId, payload: EVENT_EXAMPLES[type], correlationId: null }) as DomainEventInput,
        );
      const deliveriesOf = async (eventIds: string[]) => {
        const rows = await db.prisma.webhookDelivery.findMany({ where: { domainEventId: { in: eventIds } }, orderBy: { id: 'asc' } });
        return rows.map((row) => ({ ...row, event: eventIds.indexOf(row.domainEventId!), endpoint: names.get(row.endpointId) }));
      };

      // No attempt runs meanwhile, so the first unit's deliveries wait for their first attempts while the second
      // writes: a paused worker starts no first attempt at its commit, and a paused queue gives no job (even to the
      // worker's fetch already waiting).
      const queue = gw.app.get<Queue>(getQueueToken(QUEUES.webhookDelivery));
      const worker = gw.app.get(WebhookDeliveryProcessor).worker;
      await queue.pause();
      await worker.pause(true);
      const enqueued = jest.spyOn(gw.app.get(WebhookDispatcher), 'enqueueFirstAttempts');
      const asOne: string[] = [];
      try {
        await gw.app.get(Outbox).runAsOne((publish) => {
          asOne.push(...events().map((event) => publish(event)));
          return { write: { text: 'SELECT id FROM channels WHERE id = $1::uuid', values: [chan1.id] } };
        });
        const queuedOf = (deliveries: Array<{ id: string }>) =>
          enqueued.mock.calls.flatMap(([queued]) => queued.map((d) => d.id)).filter((id) => deliveries.some((w) => w.id === id));
        const written = await deliveriesOf(asOne);
        const queuedAsOne = queuedOf(written);
        const inTransaction = await gw.app.get(Outbox).run(async (_tx, publish) => events().map((event) => publish(event)));
        // "<event index> <endpoint>" of each delivery, by delivery id
        const pairs = (deliveries: Array<{ event: number; endpoint?: string }>) =>
          deliveries.map(({ event, endpoint }) => `${event} ${endpoint}`);
        const inTransactionRows = await deliveriesOf(inTransaction);
        const expected = pairs(inTransactionRows);
        expect(expected).toEqual([
          '0 all',
          '0 liveMode',
          '1 all',
          '1 types',
          '1 liveMode',
          '2 all',
          '2 types',
          '2 channel',
          '5 all',
          '5 channel',
          '6 all',
          '6 liveMode',
        ]);
        // sorted by id, they come in event order, then in endpoint order: as if minted one by one
        expect(pairs(written)).toEqual(expected);
        for (const delivery of written) {
          expect(isIdOf('wevt', delivery.id)).toBe(true);
          expect(delivery).toMatchObject({ lane: `${delivery.endpointId}/${delivery.channelId ?? ''}`, customerId, attempts: 0 });
        }
        // after the statement, the oldest delivery of each (empty) lane was handed to the queue
        const heads = new Map<string, string>();
        for (const delivery of written) if (!heads.has(delivery.lane)) heads.set(delivery.lane, delivery.id);
        expect(queuedAsOne.sort()).toEqual([...heads.values()].sort());
        // the second unit's lanes each had a delivery waiting, locked until its commit: nothing of it is queued,
        // as each lane's wait ends with that delivery's attempt
        expect({ lanes: new Set(inTransactionRows.map((row) => row.lane)).size, queued: queuedOf(inTransactionRows) }).toEqual({
          lanes: heads.size,
          queued: [],
        });
      } finally {
        enqueued.mockRestore();
        await worker.resume();
        await queue.resume();
      }
    });
  });
});
