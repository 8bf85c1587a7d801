import { AuditRepository } from '../../src/modules/audit/audit.repository';
import { AuditService } from '../../src/modules/audit/audit.service';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

describe('Audit events and support tickets', () => {
  const ctx = useTestContext();

  it('records who did what with which key, and how it ended, for successes and failures', async () => {
    const { key, keyId } = await ctx.newAccount();
    const ok = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(key))
      .set('X-Request-Id', 'audit-test-0001')
      .send({ subject: 'Cannot pair', body: 'QR expires' })
      .expect(201);
    await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: '' }).expect(400);
    await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    await ctx.gw.flushAudit();

    const res = await ctx.http.get('/v1/audit-events').set(bearer(key)).expect(200);
    expect(res.body.data).toHaveLength(2);
    const [failed, succeeded] = res.body.data;
    expect(succeeded).toMatchObject({
      action: 'support_ticket.create',
      actor: { type: 'api_key', api_key_id: keyId },
      method: 'POST',
      path: '/v1/support/tickets',
      resource: { type: 'support_ticket', id: ok.body.id },
      status_code: 201,
      outcome: 'succeeded',
      error_code: null,
      request_id: 'audit-test-0001',
    });
    expect(failed).toMatchObject({ action: 'support_ticket.create', status_code: 400, outcome: 'failed', error_code: 'invalid_request' });
  });

  it('writes the records of calls that finish together in one go, and a record PostgreSQL refuses costs only itself', async () => {
    const { customerId, keyId } = await ctx.newAccount();
    const audit = ctx.gw.app.get(AuditService);
    const statements = jest.spyOn(ctx.gw.app.get(AuditRepository), 'insertMany');
    const requestId = (n: number) => `audit-batch-${customerId}-${n}`;
    const written = Array.from({ length: 30 }, (_, n) =>
      audit.record({
        principal: {
          kind: 'api_key',
          customerId,
          apiKeyId: keyId,
          mode: 'test',
          channelId: null,
          plan: { id: 'free', channelLimit: 1, rateLimitBurst: 1, rateLimitPerSecond: 1, mediaMaxBytes: null },
        },
        action: 'support_ticket.create',
        method: 'POST',
        path: '/v1/support/tickets',
        // An integer column cannot hold this one: its batch is refused, and its records are written one by one.
        statusCode: n === 7 ? 2 ** 40 : 201,
        requestId: requestId(n),
      }),
    );
    await Promise.all(written);
    await ctx.gw.flushAudit();
    // The first record is written at once; the 29 that arrived meanwhile go in one statement, refused, then alone.
    expect(statements.mock.calls.map(([events]) => events.length)).toEqual([1, 29, ...Array<number>(29).fill(1)]);
    statements.mockRestore();
    const rows = await ctx.gw.prisma.auditEvent.findMany({ where: { customerId }, select: { requestId: true } });
    expect(rows.map((row) => row.requestId).sort()).toEqual(
      Array.from({ length: 30 }, (_, n) => requestId(n))
        .filter((_, n) => n !== 7)
        .sort(),
    );
  });

  it('pages audit events with a cursor that is stable while new events arrive', async () => {
    const { key } = await ctx.newAccount();
    for (let i = 0; i < 5; i++)
      await ctx.http
        .post('/v1/support/tickets')
        .set(bearer(key))
        .send({ subject: `s${i}`, body: 'b' })
        .expect(201);
    await ctx.gw.flushAudit();
    const first = await ctx.http.get('/v1/audit-events?limit=2').set(bearer(key)).expect(200);
    expect(first.body.has_more).toBe(true);
    await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'new', body: 'b' }).expect(201);
    await ctx.gw.flushAudit();
    const ids = first.body.data.map((e: { id: string }) => e.id);
    let cursor = first.body.next_cursor;
    while (cursor) {
      const page = await ctx.http.get(`/v1/audit-events?limit=2&cursor=${cursor}`).set(bearer(key)).expect(200);
      ids.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
    }
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it("shows a channel-scoped key only its channel's audit events and tickets", async () => {
    const { customerId, key } = await ctx.newAccount();
    const channelId = (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'scoped' }).expect(201)).body.id;
    const scoped = await ctx.gw.newKey({ customerId, channelId });
    await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'general', body: 'b' }).expect(201);
    await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'chan', body: 'b', channel_id: channelId }).expect(201);
    await ctx.gw.flushAudit();
    const tickets = await ctx.http.get('/v1/support/tickets').set(bearer(scoped.key)).expect(200);
    expect(tickets.body.data.map((t: { subject: string }) => t.subject)).toEqual(['chan']);
    const audit = await ctx.http.get('/v1/audit-events').set(bearer(scoped.key)).expect(200);
    expect(audit.body.data.map((e: { action: string; channel_id: string }) => [e.action, e.channel_id])).toEqual([
      ['support_ticket.create', channelId],
      ['channel.create', channelId],
    ]);
  });

  it('stores, lists and fetches support tickets', async () => {
    const { key } = await ctx.newAccount();
    const created = await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'Hello', body: 'World' }).expect(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^tkt_/),
      subject: 'Hello',
      body: 'World',
      status: 'open',
      channel_id: null,
    });
    const got = await ctx.http.get(`/v1/support/tickets/${created.body.id}`).set(bearer(key)).expect(200);
    expect(got.body).toEqual(created.body);
    expect(errorCode(await ctx.http.get('/v1/support/tickets/tkt_missing').set(bearer(key)).expect(404))).toBe('not_found');
    expect(
      errorCode(
        await ctx.http
          .post('/v1/support/tickets')
          .set(bearer(key))
          .send({ subject: 'x'.repeat(201), body: 'b' })
          .expect(400),
      ),
    ).toBe('invalid_request');
  });

  it("shows a ticket about a channel only to keys of the channel's mode; one about no channel to both", async () => {
    const { customerId, key: testKey } = await ctx.newAccount();
    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    const testChannel = (await ctx.http.post('/v1/channels').set(bearer(testKey)).send({ name: 'sandbox' }).expect(201)).body.id as string;
    const about = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(testKey))
      .send({ subject: 'test line', body: 'b', channel_id: testChannel })
      .expect(201);
    const general = await ctx.http.post('/v1/support/tickets').set(bearer(testKey)).send({ subject: 'general', body: 'b' }).expect(201);

    const subjects = async (key: string) =>
      (await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200)).body.data.map((t: { subject: string }) => t.subject);
    expect(await subjects(testKey)).toEqual(['general', 'test line']);
    expect(await subjects(live.key)).toEqual(['general']);
    expect(errorCode(await ctx.http.get(`/v1/support/tickets/${about.body.id}`).set(bearer(live.key)).expect(404))).toBe('not_found');
    await ctx.http.get(`/v1/support/tickets/${general.body.id}`).set(bearer(live.key)).expect(200);
  });

  it("refuses a ticket about a channel that is not one of the customer's channels of the key's mode", async () => {
    const { customerId, key } = await ctx.newAccount();
    const own = (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'own' }).expect(201)).body.id as string;
    const live = await ctx.gw.newKey({ customerId, mode: 'live' });
    const liveChannel = (await ctx.http.post('/v1/channels').set(bearer(live.key)).send({ name: 'live' }).expect(201)).body.id as string;
    const stranger = await ctx.newAccount();
    const strangers = (await ctx.http.post('/v1/channels').set(bearer(stranger.key)).send({ name: 'theirs' }).expect(201)).body
      .id as string;

    for (const [channel, status, code] of [
      [strangers, 404, 'channel_not_found'],
      ['0195d1c2-7a3b-7c4d-8e5f-000000000000', 404, 'channel_not_found'],
      ['chan-1', 404, 'channel_not_found'],
      [liveChannel, 403, 'channel_access_denied'],
    ] as const) {
      const res = await ctx.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 's', body: 'b', channel_id: channel });
      expect({ channel, status: res.status, code: errorCode(res) }).toEqual({ channel, status, code });
    }
    expect((await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200)).body.data).toEqual([]);

    // A ticket may be about a channel the customer has since deleted.
    await ctx.http.delete(`/v1/channels/${own}`).set(bearer(key)).expect(200);
    const ticket = await ctx.http
      .post('/v1/support/tickets')
      .set(bearer(key))
      .send({ subject: 's', body: 'b', channel_id: own.toUpperCase() })
      .expect(201);
    expect(ticket.body.channel_id).toBe(own);
  });
});
