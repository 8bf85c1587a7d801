import { Inject, Injectable } from '@nestjs/common';
import { isDatabaseUnavailable, type Prisma, type PrismaClient, SQL, type Sql, type Statement } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { sqlIn, Transaction } from '../../platform/database/transactions';
import { idInBlockSql } from '../../platform/ids';
import { Batcher } from '../../platform/batcher';

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

/** A delivery as the queue knows it: its id, and its endpoint for the endpoint's share of the slots. */
export interface QueuedDelivery {
  id: string;
  endpointId: string;
}

/** A delivery just written, with the older delivery of its lane it is held behind, if one was locked (HELD_BEHIND_SQL). */
export interface WrittenDelivery extends QueuedDelivery {
  heldBehind: string | null;
}

/**
 * For a delivery being inserted (its row is `target`): the newest older delivery of its lane still waiting for
 * its first attempt, locked until the insert commits. Locked, its claim waits for the commit, so its attempt
 * ends after it, and the end of that attempt finds the new delivery (finishAttempt's `nextInLane`) and wakes it:
 * the new delivery needs no job of its own, which would only be a refused claim while the lane is busy. Rows
 * locked by another writer or being claimed are skipped (no waiting, so no deadlock); with none left the
 * delivery gets its job as before. The statement's own rows are not visible to it, so a sibling is never found.
 */
export const HELD_BEHIND_SQL = (target: string) => `(SELECT p.id FROM webhook_deliveries p
         WHERE p.lane = ${target}.lane AND p.first_attempt_done = false AND p.attempts = 0
         ORDER BY p.id DESC LIMIT 1 FOR UPDATE SKIP LOCKED)`;

/** A claimed delivery (`c`, the row after its claim) with its endpoint (`e`), as ClaimedDelivery. */
const CLAIMED_COLUMNS = `c.id, c.endpoint_id AS "endpointId", c.channel_id AS "channelId", c.customer_id AS "customerId",
        c.event_type AS "eventType", c.payload, c.correlation_id AS "correlationId", c.attempts,
        c.series_start AS "seriesStart", c.lane, c.first_attempt_done AS "firstAttemptDone",
        e.url AS "endpointUrl", e.enabled AS "endpointEnabled", e.secret AS "endpointSecret",
        e.previous_secret AS "endpointPreviousSecret", e.previous_secret_expires_at AS "endpointPreviousSecretExpiresAt"`;

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
  /** Whether an earlier attempt already finished; if not, this one releases the deliveries held behind it. */
  firstAttemptDone: boolean;
  endpointUrl: string;
  endpointEnabled: boolean;
  endpointSecret: Uint8Array;
  endpointPreviousSecret: Uint8Array | null;
  endpointPreviousSecretExpiresAt: Date | null;
}

/** The end of an attempt, as finishAttempt writes it. */
export interface AttemptEnd {
  deliveryId: string;
  number: number;
  lane: string;
  attempt: {
    statusCode: number | null;
    latencyMs: number;
    outcome: 'succeeded' | 'failed' | 'error';
    error: string | null;
    responseSnippet: string | null;
  };
  next: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt?: Date };
  claimNext?: { leaseMs: number };
}

/** What finishAttempt found: whether it updated the delivery, the lane's next delivery, and its claim if asked. */
export interface FinishedAttempt {
  updated: boolean;
  nextInLane: string | null;
  claimedNext?: ClaimedDelivery;
}

/**
 * At most this many attempt ends in one statement. Under load a batch holds the attempts that ended while the
 * one before ran: about the endpoint concurrency's worth at most.
 */
const FINISH_BATCH = 100;
/**
 * Calls of finish_webhook_attempts under way at once. With one, every attempt ending waited for the call before
 * it: under a backlog of retries (bench:webhooks, half the first attempts failing) calls took 25 ms, attempts
 * held their endpoint's slots that much longer, and the endpoint's put-off attempts waited seconds.
 */
export const FINISH_CONCURRENCY = 2;

/** An endpoint as the outbox sees it when deciding who gets an event. */
export interface CandidateEndpoint {
  id: string;
  customerId: string;
  channelId: string | null;
  mode: 'live' | 'test';
  events: string[];
}

/**
 * Whether an endpoint wants an event: the customer's, of its channel or of every channel, of the channel's mode
 * (an event without a channel, of no mode, goes to endpoints of both modes), of a type it subscribed to. Its
 * twin in SQL is the join of deliveriesAlongStatement: the two change together.
 */
export function wants(
  endpoint: CandidateEndpoint,
  event: { customerId: string; channelId: string | null; mode: 'live' | 'test' | null; type: string },
): boolean {
  return (
    endpoint.customerId === event.customerId &&
    (endpoint.channelId === null || endpoint.channelId === event.channelId) &&
    (event.mode === null || endpoint.mode === event.mode) &&
    (endpoint.events.includes('*') || endpoint.events.includes(event.type))
  );
}

export type NotClaimedReason = { kind: 'gone' } | { kind: 'not_due'; dueAt: Date } | { kind: 'in_flight' } | { kind: 'waiting_for_lane' };

export function laneOf(endpointId: string, channelId: string | null): string {
  return `${endpointId}/${channelId ?? ''}`;
}

/** `laneOf` in SQL, for deliveries written where their rows are found (deliveriesAlongStatement). */
function laneSql(endpointId: string, channelId: string): string {
  return `${endpointId} || '/' || coalesce(${channelId}, '')`;
}

@Injectable()
export class WebhooksRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  // ---- endpoints ------------------------------------------------------------------------------

  createEndpoint(data: Prisma.WebhookEndpointUncheckedCreateInput): Promise<WebhookEndpointRow> {
    return this.prisma.webhookEndpoint.create({ data });
  }

  findEndpoint(customerId: string, id: string): Promise<WebhookEndpointRow | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { id, customerId } });
  }

  listEndpoints(args: {
    customerId: string;
    mode: 'live' | 'test';
    channelId?: string;
    before?: string;
    take: number;
  }): Promise<WebhookEndpointRow[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: {
        customerId: args.customerId,
        mode: args.mode,
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
        data: {
          status: 'failed',
          lastError: 'endpoint disabled: the receiver answered 410 Gone',
          leaseUntil: null,
          firstAttemptDone: true,
        },
      }),
    ]);
  }

  // ---- the outbox -----------------------------------------------------------------------------

  /**
   * The enabled endpoints of these customers that may want events of these channels (or of no channel): one
   * query for a whole unit of work's events, run in the statement that writes them (EventsService's
   * `readAlong`); `wants` then picks, per event, those of its mode and type. Parameters from `first`.
   */
  enabledEndpointsStatement(args: { customerIds: string[]; channelIds: string[] }, first: number): Statement {
    return {
      text: `SELECT id, customer_id AS "customerId", channel_id AS "channelId", mode::text AS mode, events
       FROM webhook_endpoints
       WHERE customer_id = ANY($${first}::text[]) AND enabled
         AND (channel_id IS NULL OR channel_id = ANY($${first + 1}::text[]))
       ORDER BY id`,
      values: [args.customerIds, args.channelIds],
    };
  }

  /**
   * The deliveries of a unit of work's events inside the statement that writes them (EventsRepository.writeAsOne,
   * the events in the CTE `written`): one per enabled endpoint that wants an event (`wants`, in SQL), as
   * `insertDeliveries` writes them. An event's deliveries take the ids of its block (newIdBlock; `blocks` pairs
   * event ids with block heads), in endpoint order, so they sort as if minted one by one. Returns their ids, each
   * with the delivery of its lane it is held behind (HELD_BEHIND_SQL).
   */
  deliveriesAlongStatement(blocks: { eventIds: string[]; heads: string[] }, first: number): Statement {
    return {
      text: `INSERT INTO webhook_deliveries
         (id, endpoint_id, customer_id, channel_id, domain_event_id, event_type, payload, correlation_id, lane, updated_at)
       SELECT ${idInBlockSql('m.head', 'm.rank - 1')}, m.endpoint_id, m.customer_id, m.channel_id, m.id, m.type, m.payload,
         m.correlation_id, ${laneSql('m.endpoint_id', 'm.channel_id')}, now()
       FROM (
         SELECT w.id, w.type, w.customer_id, w.channel_id, w.payload, w.correlation_id, b.head, e.id AS endpoint_id,
           row_number() OVER (PARTITION BY w.id ORDER BY e.id) AS rank
         FROM written w
         JOIN unnest($${first}::text[], $${first + 1}::text[]) AS b(event_id, head) ON b.event_id = w.id
         JOIN webhook_endpoints e ON e.customer_id = w.customer_id AND e.enabled
           AND (e.channel_id IS NULL OR e.channel_id = w.channel_id)
           AND (w.mode IS NULL OR e.mode::text = w.mode)
           AND ('*' = ANY(e.events) OR w.type = ANY(e.events))
       ) m
       RETURNING id, endpoint_id AS "endpointId", domain_event_id AS "domainEventId",
         ${HELD_BEHIND_SQL('webhook_deliveries')} AS "heldBehind"`,
      values: [blocks.eventIds, blocks.heads],
    };
  }

  /**
   * One statement for a unit of work's deliveries; a delivery already written (same id) is left as it is. Returns
   * those written, each with the delivery of its lane it is held behind (HELD_BEHIND_SQL), locked until the commit.
   */
  async insertDeliveries(tx: Transaction, rows: NewDelivery[]): Promise<WrittenDelivery[]> {
    if (rows.length === 0) return [];
    return sqlIn(tx).query<WrittenDelivery>(
      `INSERT INTO webhook_deliveries
         (id, endpoint_id, customer_id, channel_id, domain_event_id, event_type, payload, correlation_id, lane, updated_at)
       SELECT d.id, d.endpoint_id, d.customer_id, d.channel_id, d.domain_event_id, d.event_type, d.payload::jsonb,
         d.correlation_id, d.lane, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS d(id, endpoint_id, customer_id, channel_id, domain_event_id, event_type, payload, correlation_id, lane)
       ON CONFLICT DO NOTHING
       RETURNING id, endpoint_id AS "endpointId", ${HELD_BEHIND_SQL('webhook_deliveries')} AS "heldBehind"`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.endpointId),
        rows.map((row) => row.customerId),
        rows.map((row) => row.channelId),
        rows.map((row) => row.domainEventId),
        rows.map((row) => row.eventType),
        rows.map((row) => JSON.stringify(row.payload)),
        rows.map((row) => row.correlationId),
        rows.map((row) => laneOf(row.endpointId, row.channelId)),
      ],
    );
  }

  /** Deliveries of these events not yet attempted: what a commit hands to the queue. */
  unattemptedFor(domainEventIds: string[]): Promise<QueuedDelivery[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { domainEventId: { in: domainEventIds }, attempts: 0, status: 'pending' },
      select: { id: true, endpointId: true },
      orderBy: { id: 'asc' },
    });
  }

  /**
   * Pending deliveries whose next attempt is due, not in flight, and claimable (not held behind an older delivery
   * of their lane, which wakes them when its first attempt ends): what the sweeper re-queues.
   */
  dueDeliveries(limit: number, graceMs: number): Promise<Array<QueuedDelivery & { attempts: number }>> {
    return this.sql.query<QueuedDelivery & { attempts: number }>(
      `SELECT id, attempts, endpoint_id AS "endpointId" FROM webhook_deliveries
       WHERE status = 'pending' AND next_attempt_at <= now() - make_interval(secs => $1::float8)
         AND (lease_until IS NULL OR lease_until < now())
         AND (first_attempt_done OR NOT EXISTS (
           SELECT 1 FROM webhook_deliveries p
           WHERE p.lane = webhook_deliveries.lane AND p.first_attempt_done = false AND p.id < webhook_deliveries.id
             AND (p.attempts = 0 OR p.lease_until > now())))
       ORDER BY next_attempt_at, id
       LIMIT $2`,
      [graceMs / 1000, limit],
    );
  }

  // ---- attempts -------------------------------------------------------------------------------

  /**
   * Takes attempt number `number` of a delivery for this process, atomically: it succeeds for exactly one
   * caller, only when the attempt is due, no other attempt is in flight, and — for a first attempt — every
   * older delivery of the same lane has finished its first attempt. In the same statement the attempt is
   * recorded as started, attempts left unfinished by a stopped process are closed as interrupted, and the
   * endpoint is read: one round trip on the hot path.
   *
   * The older deliveries that hold a first attempt back are read FOR SHARE. A refused first attempt has no job
   * left: the end of the attempt holding its lane names it (finish_webhook_attempts' next_in_lane) and wakes it.
   * That end looks for the lane's next delivery before it commits; a delivery committed after the look but
   * claimed before the commit would be refused by a lane that is in fact done, and named by nobody (it sat until
   * the sweeper found it, WEBHOOK_SWEEP_INTERVAL_MS later). Locked, the ending delivery's row makes this claim
   * wait for that commit and then read the row as it ended: the lane is free and the claim succeeds.
   */
  async claim(id: string, number: number, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    const rows = await this.sql.query<ClaimedDelivery>(
      `WITH claimed AS (
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $3::float8), updated_at = now()
        WHERE d.id = $1
          AND d.status = 'pending'
          AND d.attempts = $2::int - 1
          AND d.next_attempt_at <= now()
          AND (d.lease_until IS NULL OR d.lease_until < now())
          AND (d.first_attempt_done OR NOT EXISTS (
            SELECT 1 FROM webhook_deliveries p
            WHERE p.lane = d.lane AND p.first_attempt_done = false AND p.id < d.id
              AND (p.attempts = 0 OR p.lease_until > now())
            FOR SHARE OF p))
        RETURNING d.*
      ), started AS (
        INSERT INTO webhook_attempts (delivery_id, number) SELECT id, attempts FROM claimed
      ), interrupted AS (
        UPDATE webhook_attempts
        SET finished_at = now(), outcome = 'interrupted', error = 'the process running this attempt stopped'
        WHERE delivery_id = $1 AND finished_at IS NULL AND number < $2::int AND EXISTS (SELECT 1 FROM claimed)
      )
      SELECT ${CLAIMED_COLUMNS} FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
      [id, number, leaseMs / 1000],
    );
    return rows[0];
  }

  /** Why a claim failed, so the job can wait, be parked, or be dropped. */
  async whyNotClaimed(id: string, number: number): Promise<NotClaimedReason> {
    const [row] = await this.sql.query<{ status: string; attempts: number; nextAttemptAt: Date; leaseUntil: Date | null }>(
      `SELECT status::text AS status, attempts, next_attempt_at AS "nextAttemptAt", lease_until AS "leaseUntil"
       FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    if (!row || row.status !== 'pending' || row.attempts !== number - 1) return { kind: 'gone' };
    if (row.leaseUntil && row.leaseUntil.getTime() > Date.now()) return { kind: 'in_flight' };
    if (row.nextAttemptAt.getTime() > Date.now()) return { kind: 'not_due', dueAt: row.nextAttemptAt };
    return { kind: 'waiting_for_lane' };
  }

  /**
   * Writes an attempt's result and the delivery's next state (unless another process has taken the delivery
   * over). Returns whether the delivery was updated, and the oldest delivery of the lane still waiting for its
   * first attempt, to release when this attempt was the one holding the lane. With `claimNext`, that delivery's
   * first attempt is claimed in the same statement, as `claim` would (the attempt ending here is the one that
   * held it back): a lane run by one job costs one statement a step, not two. Attempts that end while such a
   * statement runs are written together in the next one (FINISH_BATCH).
   */
  finishAttempt(end: AttemptEnd): Promise<FinishedAttempt> {
    return this.finishes.submit(end);
  }

  private readonly finishes = new Batcher<AttemptEnd, FinishedAttempt>((ends) => this.finishAttempts(ends), {
    maxSize: FINISH_BATCH,
    concurrency: FINISH_CONCURRENCY,
    // A statement refused for one attempt's values is not the others' failure; an unreachable database is everyone's.
    isolate: (error) => !isDatabaseUnavailable(error),
  });

  /**
   * One call for attempts of different deliveries (a delivery has one attempt in flight): the database function
   * finish_webhook_attempts (prisma/migrations/…_finish_webhook_attempts) writes each as this statement did for
   * one attempt, and gives back its answer and the claimed delivery, joined here to its endpoint.
   */
  private async finishAttempts(ends: AttemptEnd[]): Promise<FinishedAttempt[]> {
    const column = <T>(value: (end: AttemptEnd) => T) => ends.map(value);
    const rows = await this.sql.query<{ deliveryId: string; updated: boolean; nextInLane: string | null } & Partial<ClaimedDelivery>>(
      `SELECT f.ended_id AS "deliveryId", f.was_updated AS updated, f.next_in_lane AS "nextInLane", ${CLAIMED_COLUMNS}
      FROM finish_webhook_attempts($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::timestamptz[], $10::text[], $11::boolean[], $12::float8[]) f
      LEFT JOIN LATERAL (SELECT (f.claimed).*) c ON true
      LEFT JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
      [
        column((end) => end.deliveryId),
        column((end) => end.number),
        column((end) => end.attempt.statusCode),
        column((end) => end.attempt.latencyMs),
        column((end) => end.attempt.outcome),
        column((end) => end.attempt.error),
        column((end) => end.attempt.responseSnippet),
        column((end) => end.next.status),
        column((end) => end.next.nextAttemptAt ?? null),
        column((end) => end.lane),
        column((end) => end.claimNext !== undefined),
        column((end) => (end.claimNext?.leaseMs ?? 0) / 1000),
      ],
    );
    const byDelivery = new Map(rows.map((row) => [row.deliveryId, row]));
    return ends.map((end) => {
      const {
        deliveryId: _deliveryId,
        updated,
        nextInLane,
        ...claimed
      } = byDelivery.get(end.deliveryId) ?? {
        deliveryId: end.deliveryId,
        updated: false,
        nextInLane: null,
      };
      return {
        updated,
        nextInLane: nextInLane ?? null,
        ...(claimed.id ? { claimedNext: claimed as ClaimedDelivery } : {}),
      };
    });
  }

  // ---- deliveries, as the API shows them ------------------------------------------------------

  createDelivery(row: NewDelivery): Promise<WebhookDeliveryRow> {
    return this.prisma.webhookDelivery.create({ data: { ...row, lane: laneOf(row.endpointId, row.channelId) } });
  }

  findDelivery(customerId: string, id: string) {
    return this.prisma.webhookDelivery.findFirst({
      where: { id, customerId },
      include: { endpoint: { select: { channelId: true, mode: true } } },
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
