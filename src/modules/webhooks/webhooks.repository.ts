import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type WebhookEndpointRow = Awaited<ReturnType<PrismaClient['webhookEndpoint']['findUniqueOrThrow']>>;
export type WebhookDeliveryRow = Awaited<ReturnType<PrismaClient['webhookDelivery']['findUniqueOrThrow']>>;
export type WebhookAttemptRow = Awaited<ReturnType<PrismaClient['webhookAttempt']['findUniqueOrThrow']>>;

export interface NewDelivery {
  id: string;
  endpointId: string;
  customerId: string;
  channelId: string | null;
  domainEventId: string | null;
  eventType: string;
  payload: Prisma.InputJsonValue;
  correlationId: string | null;
}

/** What an attempt needs once claimed: the delivery and the attempt number it now owns. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  channelId: string | null;
  customerId: string;
  eventType: string;
  payload: Record<string, unknown>;
  correlationId: string | null;
  attempts: number;
  seriesStart: number;
  lane: string;
}

export type NotClaimedReason = { kind: 'gone' } | { kind: 'not_due'; dueAt: Date } | { kind: 'in_flight' } | { kind: 'waiting_for_lane' };

export function laneOf(endpointId: string, channelId: string | null): string {
  return `${endpointId}/${channelId ?? ''}`;
}

@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  // ---- endpoints ------------------------------------------------------------------------------

  createEndpoint(data: Prisma.WebhookEndpointUncheckedCreateInput): Promise<WebhookEndpointRow> {
    return this.prisma.webhookEndpoint.create({ data });
  }

  findEndpoint(customerId: string, id: string): Promise<WebhookEndpointRow | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { id, customerId } });
  }

  endpointById(id: string): Promise<WebhookEndpointRow | null> {
    return this.prisma.webhookEndpoint.findUnique({ where: { id } });
  }

  listEndpoints(args: { customerId: string; channelId?: string; before?: string; take: number }): Promise<WebhookEndpointRow[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: {
        customerId: args.customerId,
        ...(args.channelId ? { channelId: args.channelId } : {}),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  updateEndpoint(id: string, data: Prisma.WebhookEndpointUncheckedUpdateInput): Promise<WebhookEndpointRow> {
    return this.prisma.webhookEndpoint.update({ where: { id }, data });
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.prisma.webhookEndpoint.deleteMany({ where: { id } });
  }

  /** A 410 from the receiver: the endpoint is disabled and none of its pending deliveries is tried again. */
  async disableGoneEndpoint(id: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookEndpoint.update({ where: { id }, data: { enabled: false, disabledReason: 'gone' } }),
      this.prisma.webhookDelivery.updateMany({
        where: { endpointId: id, status: 'pending' },
        data: { status: 'failed', lastError: 'endpoint disabled: the receiver answered 410 Gone', leaseUntil: null, firstAttemptDone: true },
      }),
    ]);
  }

  // ---- the outbox -----------------------------------------------------------------------------

  /** Enabled endpoints of the customer that want this event type from this channel. */
  matchingEndpoints(tx: Prisma.TransactionClient, args: { customerId: string; channelId: string | null; type: string }) {
    return tx.webhookEndpoint.findMany({
      where: {
        customerId: args.customerId,
        enabled: true,
        events: { hasSome: ['*', args.type] },
        OR: [{ channelId: null }, ...(args.channelId ? [{ channelId: args.channelId }] : [])],
      },
      select: { id: true },
    });
  }

  async insertDeliveries(client: Prisma.TransactionClient | PrismaClient, rows: NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await client.webhookDelivery.createMany({
      data: rows.map((row) => ({ ...row, lane: laneOf(row.endpointId, row.channelId) })),
      skipDuplicates: true,
    });
  }

  /** Deliveries of these events not yet attempted: what a commit hands to the queue. */
  async unattemptedFor(domainEventIds: string[]): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { domainEventId: { in: domainEventIds }, attempts: 0, status: 'pending' },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((row) => row.id);
  }

  /** Pending deliveries whose next attempt is due and not in flight: what the sweeper re-queues. */
  dueDeliveries(limit: number, graceMs: number): Promise<Array<{ id: string; attempts: number }>> {
    return this.prisma.$queryRaw<Array<{ id: string; attempts: number }>>`
      SELECT id, attempts FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now() - make_interval(secs => ${graceMs / 1000}::float8)
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at, id
      LIMIT ${limit}`;
  }

  // ---- attempts -------------------------------------------------------------------------------

  /**
   * Takes attempt number `number` of a delivery for this process, atomically: it succeeds for exactly one
   * caller, only when the attempt is due, no other attempt is in flight, and — for a first attempt — every
   * older delivery of the same lane has finished its first attempt.
   */
  async claim(id: string, number: number, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    const rows = await this.prisma.$queryRaw<ClaimedDelivery[]>`
      UPDATE webhook_deliveries d
      SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), updated_at = now()
      WHERE d.id = ${id}
        AND d.status = 'pending'
        AND d.attempts = ${number - 1}::int
        AND d.next_attempt_at <= now()
        AND (d.lease_until IS NULL OR d.lease_until < now())
        AND (d.first_attempt_done OR NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.lane = d.lane AND p.first_attempt_done = false AND p.id < d.id
            AND (p.attempts = 0 OR p.lease_until > now())))
      RETURNING d.id, d.endpoint_id AS "endpointId", d.channel_id AS "channelId", d.customer_id AS "customerId",
        d.event_type AS "eventType", d.payload, d.correlation_id AS "correlationId", d.attempts,
        d.series_start AS "seriesStart", d.lane`;
    return rows[0];
  }

  /** Why a claim failed, so the job can wait, be parked, or be dropped. */
  async whyNotClaimed(id: string, number: number): Promise<NotClaimedReason> {
    const row = await this.prisma.webhookDelivery.findUnique({
      where: { id },
      select: { status: true, attempts: true, nextAttemptAt: true, leaseUntil: true },
    });
    if (!row || row.status !== 'pending' || row.attempts !== number - 1) return { kind: 'gone' };
    if (row.leaseUntil && row.leaseUntil.getTime() > Date.now()) return { kind: 'in_flight' };
    if (row.nextAttemptAt.getTime() > Date.now()) return { kind: 'not_due', dueAt: row.nextAttemptAt };
    return { kind: 'waiting_for_lane' };
  }

  /** Records the claimed attempt as started; attempts left unfinished by a crashed process are closed. */
  async startAttempt(deliveryId: string, number: number): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookAttempt.updateMany({
        where: { deliveryId, finishedAt: null, number: { lt: number } },
        data: { finishedAt: new Date(), outcome: 'interrupted', error: 'the process running this attempt stopped' },
      }),
      this.prisma.webhookAttempt.create({ data: { deliveryId, number } }),
    ]);
  }

  /** Writes an attempt's result and the delivery's next state, unless another attempt has taken over. */
  async finishAttempt(args: {
    deliveryId: string;
    number: number;
    attempt: { statusCode: number | null; latencyMs: number; outcome: 'succeeded' | 'failed' | 'error'; error: string | null; responseSnippet: string | null };
    next: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt?: Date };
  }): Promise<boolean> {
    const now = new Date();
    const [, updated] = await this.prisma.$transaction([
      this.prisma.webhookAttempt.updateMany({
        where: { deliveryId: args.deliveryId, number: args.number },
        data: { finishedAt: now, ...args.attempt },
      }),
      this.prisma.webhookDelivery.updateMany({
        where: { id: args.deliveryId, attempts: args.number },
        data: {
          status: args.next.status,
          leaseUntil: null,
          firstAttemptDone: true,
          lastStatusCode: args.attempt.statusCode,
          lastError: args.attempt.error,
          ...(args.next.nextAttemptAt ? { nextAttemptAt: args.next.nextAttemptAt } : {}),
          ...(args.next.status === 'delivered' ? { deliveredAt: now } : {}),
        },
      }),
    ]);
    return updated.count === 1;
  }

  /** The oldest delivery of a lane still waiting for its first attempt, after the given one. */
  async nextInLane(lane: string, afterId: string): Promise<string | undefined> {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { lane, firstAttemptDone: false, attempts: 0, id: { gt: afterId } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    return row?.id;
  }

  // ---- deliveries, as the API shows them ------------------------------------------------------

  createDelivery(row: NewDelivery): Promise<WebhookDeliveryRow> {
    return this.prisma.webhookDelivery.create({ data: { ...row, lane: laneOf(row.endpointId, row.channelId) } });
  }

  findDelivery(customerId: string, id: string) {
    return this.prisma.webhookDelivery.findFirst({
      where: { id, customerId },
      include: { endpoint: { select: { channelId: true } } },
    });
  }

  attemptsOf(deliveryId: string): Promise<WebhookAttemptRow[]> {
    return this.prisma.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { number: 'asc' } });
  }

  listDeliveries(args: { endpointId: string; status?: WebhookDeliveryRow['status']; event?: string; before?: string; take: number }) {
    return this.prisma.webhookDelivery.findMany({
      where: {
        endpointId: args.endpointId,
        ...(args.status ? { status: args.status } : {}),
        ...(args.event ? { eventType: args.event } : {}),
        ...(args.before ? { id: { lt: args.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: args.take,
    });
  }

  /** Starts a new series of attempts on a delivery that is no longer pending; false if it is pending. */
  async replay(id: string): Promise<WebhookDeliveryRow | undefined> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE webhook_deliveries SET status = 'pending', series_start = attempts, next_attempt_at = now(),
        lease_until = NULL, delivered_at = NULL, updated_at = now()
      WHERE id = ${id} AND status <> 'pending'
      RETURNING id`;
    if (rows.length === 0) return undefined;
    return (await this.prisma.webhookDelivery.findUnique({ where: { id } })) ?? undefined;
  }
}
