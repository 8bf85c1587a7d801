import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';

describe('Audit events and support tickets', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  it('records who did what with which key, and how it ended, for successes and failures', async () => {
    const { key, keyId } = await gw.newAccount();
    const ok = await gw.http
      .post('/v1/support/tickets')
      .set(bearer(key))
      .set('X-Request-Id', 'audit-test-0001')
      .send({ subject: 'Cannot pair', body: 'QR expires' })
      .expect(201);
    await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: '' }).expect(400);
    await gw.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    await gw.flushAudit();

    const res = await gw.http.get('/v1/audit-events').set(bearer(key)).expect(200);
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

  it('pages audit events with a cursor that is stable while new events arrive', async () => {
    const { key } = await gw.newAccount();
    for (let i = 0; i < 5; i++) await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: `s${i}`, body: 'b' }).expect(201);
    await gw.flushAudit();
    const first = await gw.http.get('/v1/audit-events?limit=2').set(bearer(key)).expect(200);
    expect(first.body.has_more).toBe(true);
    await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'new', body: 'b' }).expect(201);
    await gw.flushAudit();
    const ids = first.body.data.map((e: { id: string }) => e.id);
    let cursor = first.body.next_cursor;
    while (cursor) {
      const page = await gw.http.get(`/v1/audit-events?limit=2&cursor=${cursor}`).set(bearer(key)).expect(200);
      ids.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
    }
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it('shows a channel-scoped key only its channel\'s audit events and tickets', async () => {
    const { customerId, key } = await gw.newAccount();
    const scoped = await gw.newKey({ customerId, channelId: 'chan-1' });
    await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'general', body: 'b' }).expect(201);
    await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'chan', body: 'b', channel_id: 'chan-1' }).expect(201);
    await gw.flushAudit();
    const tickets = await gw.http.get('/v1/support/tickets').set(bearer(scoped.key)).expect(200);
    expect(tickets.body.data.map((t: { subject: string }) => t.subject)).toEqual(['chan']);
    const audit = await gw.http.get('/v1/audit-events').set(bearer(scoped.key)).expect(200);
    expect(audit.body.data.map((e: { channel_id: string }) => e.channel_id)).toEqual(['chan-1']);
  });

  it('stores, lists and fetches support tickets', async () => {
    const { key } = await gw.newAccount();
    const created = await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'Hello', body: 'World' }).expect(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^tkt_/), subject: 'Hello', body: 'World', status: 'open', channel_id: null });
    const got = await gw.http.get(`/v1/support/tickets/${created.body.id}`).set(bearer(key)).expect(200);
    expect(got.body).toEqual(created.body);
    expect(errorCode(await gw.http.get('/v1/support/tickets/tkt_missing').set(bearer(key)).expect(404))).toBe('not_found');
    expect(errorCode(await gw.http.post('/v1/support/tickets').set(bearer(key)).send({ subject: 'x'.repeat(201), body: 'b' }).expect(400))).toBe('invalid_request');
  });
});
