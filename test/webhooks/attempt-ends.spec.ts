import { Client } from 'pg';
import { sqlOf, type Sql } from '../../src/platform/database';
import { newId } from '../../src/platform/ids';
import { AttemptEnd, FINISH_CONCURRENCY, laneOf, WebhooksRepository } from '../../src/modules/webhooks/webhooks.repository';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The ends of attempts that come while one is being written go together in the next statement: each gets its
 * own answer (its update, its lane's next delivery, that one's claim), and one whose values the database refuses
 * fails alone.
 */
describe('Attempt ends written together', () => {
  let db: TestDatabase;
  let repository: WebhooksRepository;
  let statements: string[];
  const LEASE_MS = 30_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    const sql = sqlOf(db.prisma);
    // Every statement the repository sends, to count them.
    const counting: Sql = {
      ...sql,
      query: (text, values) => {
        statements.push(text);
        return sql.query(text, values);
      },
    };
    repository = new WebhooksRepository(db.prisma, counting);
  });
  afterAll(() => db.drop());
  beforeEach(() => (statements = []));

  /** An endpoint with `lanes` lanes (channels) of `perLane` deliveries each, the oldest of each claimed. */
  async function lanesWithHeadsClaimed(lanes: number, perLane: number) {
    const customer = await db.prisma.customer.create({ data: { id: newId('cus'), name: 'Acme', planId: 'unlimited' } });
    const endpoint = await db.prisma.webhookEndpoint.create({
      data: {
        id: newId('we'),
        customerId: customer.id,
        mode: 'test',
        url: 'http://127.0.0.1:9/hook',
        events: ['*'],
        secret: Buffer.alloc(28),
      },
    });
    const byLane: string[][] = [];
    for (let lane = 0; lane < lanes; lane++) {
      const ids: string[] = [];
      for (let n = 0; n < perLane; n++) {
        const row = await repository.createDelivery({
          id: newId('wevt'),
          endpointId: endpoint.id,
          customerId: customer.id,
          channelId: `chan_${lane}`,
          domainEventId: null,
          eventType: 'message.received',
          payload: { n },
          correlationId: null,
        });
        ids.push(row.id);
      }
      byLane.push(ids);
    }
    for (const [head] of byLane) expect(await repository.claim(head, 1, LEASE_MS)).toMatchObject({ id: head, attempts: 1 });
    // The second of a lane is held behind its head.
    expect(await repository.claim(byLane[0][1], 1, LEASE_MS)).toBeUndefined();
    return { endpoint, byLane };
  }

  const succeeded = (deliveryId: string, lane: string, claimNext = true): AttemptEnd => ({
    deliveryId,
    number: 1,
    lane,
    attempt: { statusCode: 200, latencyMs: 12, outcome: 'succeeded', error: null, responseSnippet: 'ok' },
    next: { status: 'delivered' },
    ...(claimNext ? { claimNext: { leaseMs: LEASE_MS } } : {}),
  });

  it('gives every attempt its own answer when several end at once, in fewer statements than attempts', async () => {
    const { endpoint, byLane } = await lanesWithHeadsClaimed(6, 2);
    const lane = (index: number) => laneOf(endpoint.id, `chan_${index}`);
    statements = [];
    const ends = await Promise.all(
      byLane.map(([head], index) =>
        repository.finishAttempt(
          index === 5
            ? {
                ...succeeded(head, lane(index), false),
                next: { status: 'pending', nextAttemptAt: new Date(Date.now() + 60_000) },
                attempt: { statusCode: 503, latencyMs: 5, outcome: 'failed', error: 'HTTP 503', responseSnippet: null },
              }
            : succeeded(head, lane(index), index % 2 === 0),
        ),
      ),
    );
    // The first FINISH_CONCURRENCY went at once, a call each; the others came while those ran, and went together.
    expect(FINISH_CONCURRENCY).toBeLessThan(5);
    expect(statements).toHaveLength(FINISH_CONCURRENCY + 1);

    ends.forEach((end, index) => {
      const second = byLane[index][1];
      expect(end.updated).toBe(true);
      expect(end.nextInLane).toBe(second);
      if (index % 2 === 0 && index !== 5) expect(end.claimedNext).toMatchObject({ id: second, attempts: 1, endpointUrl: endpoint.url });
      else expect(end.claimedNext).toBeUndefined();
    });

    const rows = await db.prisma.webhookDelivery.findMany({
      where: { endpointId: endpoint.id },
      include: { attemptLog: true },
      orderBy: { id: 'asc' },
    });
    const row = (id: string) => rows.find((r) => r.id === id)!;
    for (let index = 0; index < 6; index++) {
      const [head, second] = byLane[index];
      if (index === 5) {
        expect(row(head)).toMatchObject({ status: 'pending', firstAttemptDone: true, leaseUntil: null, lastStatusCode: 503 });
        expect(row(head).attemptLog).toEqual([expect.objectContaining({ number: 1, outcome: 'failed', statusCode: 503 })]);
      } else {
        expect(row(head)).toMatchObject({ status: 'delivered', firstAttemptDone: true, leaseUntil: null, lastStatusCode: 200 });
        expect(row(head).attemptLog).toEqual([expect.objectContaining({ number: 1, outcome: 'succeeded', latencyMs: 12 })]);
      }
      const claimed = index % 2 === 0 && index !== 5;
      expect(row(second)).toMatchObject({ attempts: claimed ? 1 : 0, status: 'pending' });
      expect(row(second).attemptLog.map((a) => a.number)).toEqual(claimed ? [1] : []);
    }
  });

  it('fails only the attempt whose values the database refuses, not the others written with it', async () => {
    const { endpoint, byLane } = await lanesWithHeadsClaimed(FINISH_CONCURRENCY + 3, 2);
    const refused = FINISH_CONCURRENCY + 1;
    const lane = (index: number) => laneOf(endpoint.id, `chan_${index}`);
    statements = [];
    const settled = await Promise.allSettled(
      byLane.map(([head], index) =>
        repository.finishAttempt(
          index === refused
            ? // PostgreSQL text cannot hold a NUL character: the statement is refused.
              { ...succeeded(head, lane(index)), attempt: { ...succeeded(head, lane(index)).attempt, responseSnippet: 'bad\u0000byte' } }
            : succeeded(head, lane(index)),
        ),
      ),
    );
    expect(settled.map((result) => result.status)).toEqual(byLane.map((_, index) => (index === refused ? 'rejected' : 'fulfilled')));
    expect((settled[refused] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    // The first FINISH_CONCURRENCY a call each, the last three together (refused), then each of the three alone.
    expect(statements).toHaveLength(FINISH_CONCURRENCY + 1 + 3);
    const heads = await db.prisma.webhookDelivery.findMany({ where: { id: { in: byLane.map(([head]) => head) } }, orderBy: { id: 'asc' } });
    expect(heads.map((head) => head.status)).toEqual(byLane.map((_, index) => (index === refused ? 'pending' : 'delivered')));
  });

  it('hands the lane to a delivery written while the end of its head was being written: the claim waits for that end', async () => {
    const { endpoint, byLane } = await lanesWithHeadsClaimed(1, 1);
    const [head] = byLane[0];
    const lane = laneOf(endpoint.id, 'chan_0');
    // The head's end, written in a transaction still open: its look for the lane's next delivery found none.
    const ending = new Client({ connectionString: db.url });
    await ending.connect();
    try {
      await ending.query('BEGIN');
      const { rows } = await ending.query<{ next_in_lane: string | null }>(
        `SELECT f.next_in_lane FROM finish_webhook_attempts($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[],
          $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::boolean[], $12::float8[]) f`,
        [[head], [1], [200], [12], ['succeeded'], [null], ['ok'], ['delivered'], [null], [lane], [true], [LEASE_MS / 1000]],
      );
      expect(rows).toEqual([{ next_in_lane: null }]);
      // Meanwhile the lane's next delivery is committed and its job claims it: the head is not done to its eyes yet.
      const next = await repository.createDelivery({
        id: newId('wevt'),
        endpointId: endpoint.id,
        customerId: endpoint.customerId,
        channelId: 'chan_0',
        domainEventId: null,
        eventType: 'message.received',
        payload: { n: 1 },
        correlationId: null,
      });
      const claim = repository.claim(next.id, 1, LEASE_MS);
      // Refused now, nothing would ever claim it (the end above will not name it): the claim waits for the end.
      const early = await Promise.race([claim.then(() => 'settled'), new Promise((resolve) => setTimeout(resolve, 300, 'waiting'))]);
      expect(early).toBe('waiting');
      await ending.query('COMMIT');
      await expect(claim).resolves.toMatchObject({ id: next.id, attempts: 1 });
    } finally {
      await ending.end();
    }
  });
});
