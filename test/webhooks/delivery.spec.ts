import crypto from 'node:crypto';
import Stripe from 'stripe';
import { useTestContext } from '../support/context';
import { bearer } from '../support/http';
import { eventually, Receiver } from './support/receiver';
import { createEndpoint, delivery, publish, receivedWithText } from './support/webhooks';

const stripe = new Stripe('sk_test_unused');

/** The plain-crypto verifier of docs/webhooks.md, verbatim. */
function verifyWhatIsUpSignature(rawBody: string, header: string, secret: string, toleranceSeconds = 300): boolean {
  const parts = String(header).split(',');
  const t = Number(parts.find((p) => p.startsWith('t='))?.slice(2));
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'));
  return parts
    .filter((p) => p.startsWith('v1='))
    .map((p) => Buffer.from(p.slice(3)))
    .some((candidate) => candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected));
}

describe('Webhook delivery', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.respond = () => 200;
  });

  it("sends the envelope and headers, signed so that Stripe's verifier accepts it", async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/signed'), events: ['message.received'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const event = await publish(ctx.gw, {
      customerId,
      channelId: 'chan-a',
      payload: receivedWithText('hi'),
      correlationId: 'req_corr_0001',
    });

    const [got] = await eventually(() => receiver.at('/signed').length === 1 && receiver.at('/signed'));
    expect(got.body).toEqual({
      id: expect.stringMatching(/^wevt_/),
      event: 'message.received',
      api_version: '2026-04',
      sent_at: expect.any(String),
      attempt: 1,
      channel_id: 'chan-a',
      customer_id: customerId,
      payload: receivedWithText('hi'),
    });
    expect(new Date(got.body.sent_at as string).toISOString()).toBe(got.body.sent_at);
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^WhatIsUp-Webhooks\/\d+\.\d+\.\d+/),
      'x-whatisup-event': 'message.received',
      'x-whatisup-event-id': got.body.id,
      'x-whatisup-correlation-id': 'req_corr_0001',
    });
    const signature = got.headers['x-whatisup-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const verified = stripe.webhooks.constructEvent(got.rawBody, signature, endpoint.secret);
    expect(verified).toMatchObject({ id: got.body.id, event: 'message.received' });

    // Tampered body, wrong secret, stale timestamp: all refused.
    expect(() => stripe.webhooks.constructEvent(got.rawBody.replace('"hi"', '"ho"'), signature, endpoint.secret)).toThrow();
    expect(() => stripe.webhooks.constructEvent(got.rawBody, signature, 'whsec_not_the_secret')).toThrow();
    expect(verifyWhatIsUpSignature(got.rawBody, signature, endpoint.secret)).toBe(true);
    expect(verifyWhatIsUpSignature(got.rawBody.replace('"hi"', '"ho"'), signature, endpoint.secret)).toBe(false);
    expect(verifyWhatIsUpSignature(got.rawBody, signature, 'whsec_not_the_secret')).toBe(false);
    const t = Number(/t=(\d+)/.exec(signature)![1]);
    const stale = signature.replace(`t=${t}`, `t=${t - 301}`);
    expect(verifyWhatIsUpSignature(got.rawBody, stale, endpoint.secret)).toBe(false);
    expect(() => stripe.webhooks.constructEvent(got.rawBody, signature, endpoint.secret, 300, undefined, (t + 301) * 1000)).toThrow(
      /timestamp/i,
    );

    const record = await delivery(ctx.gw, key, got.body.id);
    expect(record).toMatchObject({
      status: 'delivered',
      attempt_count: 1,
      domain_event_id: event.id,
      event: 'message.received',
      correlation_id: 'req_corr_0001',
    });
    expect(record.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        outcome: 'succeeded',
        status_code: 200,
        latency_ms: expect.any(Number),
        response_snippet: 'ok',
        error: null,
      }),
    ]);
  });

  it('signs with both secrets during a rotation window, and only the new one after it', async () => {
    const { customerId, key } = await ctx.gw.newAccount();
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/rotation') });
    const rotated = await ctx.http
      .post(`/v1/webhooks/${endpoint.id}/rotate-secret`)
      .set(bearer(key))
      .send({ expire_previous_in_seconds: 2 })
      .expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.previous_secret_expires_at).toEqual(expect.any(String));

    await publish(ctx.gw, { customerId });
    const [during] = await eventually(() => receiver.at('/rotation').length === 1 && receiver.at('/rotation'));
    const header = during.headers['x-whatisup-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(() => stripe.webhooks.constructEvent(during.rawBody, header, endpoint.secret)).not.toThrow();
    expect(() => stripe.webhooks.constructEvent(during.rawBody, header, rotated.body.secret)).not.toThrow();

    const expiresAt = Date.parse(rotated.body.previous_secret_expires_at);
    await eventually(() => Date.now() > expiresAt + 50, 5_000, 'rotation window over');
    await publish(ctx.gw, { customerId });
    const after = await eventually(() => receiver.at('/rotation').length === 2 && receiver.at('/rotation')[1]);
    const afterHeader = after.headers['x-whatisup-signature'] as string;
    expect(afterHeader.match(/v1=/g)).toHaveLength(1);
    expect(() => stripe.webhooks.constructEvent(after.rawBody, afterHeader, rotated.body.secret)).not.toThrow();
    expect(() => stripe.webhooks.constructEvent(after.rawBody, afterHeader, endpoint.secret)).toThrow();
  });

  it('delivers only the subscribed event types and channels, and nothing outside the catalog', async () => {
    const { customerId, key } = await ctx.gw.newAccount();
    const chan1 = (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'filtered' }).expect(201)).body.id as string;
    await createEndpoint(ctx.gw, key, { url: receiver.url('/filter-events'), events: ['message.sent', 'channel.connected'] });
    await createEndpoint(ctx.gw, key, { url: receiver.url('/filter-channel'), channel_id: chan1 });
    await createEndpoint(ctx.gw, key, { url: receiver.url('/filter-disabled'), enabled: false });
    const other = await ctx.gw.newAccount();
    await createEndpoint(ctx.gw, other.key, { url: receiver.url('/filter-other-customer') });

    await publish(ctx.gw, { customerId, type: 'message.received', channelId: 'chan-2' });
    await publish(ctx.gw, { customerId, type: 'message.sent', channelId: 'chan-2' });
    await publish(ctx.gw, { customerId, type: 'channel.connected', channelId: chan1 });
    await publish(ctx.gw, { customerId, type: 'message.read', channelId: chan1 });
    await publish(ctx.gw, { customerId, type: 'channel.state_changed', channelId: chan1 });
    const marker = await publish(ctx.gw, { customerId, type: 'message.delivered', channelId: chan1 });

    await eventually(() =>
      receiver.at('/filter-channel').some((r) => r.body.payload && r.headers['x-whatisup-event'] === 'message.delivered'),
    );
    await eventually(() => receiver.at('/filter-events').length === 2);
    expect(
      receiver
        .at('/filter-events')
        .map((r) => r.body.event)
        .sort(),
    ).toEqual(['channel.connected', 'message.sent']);
    expect(receiver.at('/filter-channel').map((r) => r.body.event)).toEqual(['channel.connected', 'message.delivered']);
    expect(receiver.at('/filter-channel').every((r) => r.body.channel_id === chan1)).toBe(true);
    expect(receiver.at('/filter-disabled')).toHaveLength(0);
    expect(receiver.at('/filter-other-customer')).toHaveLength(0);
    expect(marker.id).toMatch(/^evt_/);
  });

  it('sends a signed webhook.test event to one endpoint only', async () => {
    const { key } = await ctx.gw.newAccount();
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/test-one'), events: ['message.sent'] });
    await createEndpoint(ctx.gw, key, { url: receiver.url('/test-other') });
    const res = await ctx.http
      .post(`/v1/webhooks/${endpoint.id}/test`)
      .set(bearer(key))
      .set('X-Request-Id', 'req_test_event_01')
      .expect(202);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^wevt_/),
      event: 'webhook.test',
      status: 'pending',
      endpoint_id: endpoint.id,
    });
    const [got] = await eventually(() => receiver.at('/test-one').length === 1 && receiver.at('/test-one'));
    expect(got.body).toMatchObject({ id: res.body.id, event: 'webhook.test', payload: { endpoint_id: endpoint.id } });
    expect(got.headers['x-whatisup-correlation-id']).toBe('req_test_event_01');
    expect(() => stripe.webhooks.constructEvent(got.rawBody, got.headers['x-whatisup-signature'] as string, endpoint.secret)).not.toThrow();
    expect(receiver.at('/test-other')).toHaveLength(0);
  });

  it('retries a receiver that is down, delivers once it is up, and records every attempt', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    receiver.respond = (request) => {
      if (request.path !== '/flaky') return 200;
      const nth = receiver.at('/flaky').indexOf(request);
      return nth === 0 ? 'drop' : nth < 3 ? 503 : 200;
    };
    await createEndpoint(ctx.gw, key, { url: receiver.url('/flaky') });
    await publish(ctx.gw, { customerId });
    const [first] = await eventually(() => receiver.at('/flaky').length >= 1 && receiver.at('/flaky'));
    const record = await eventually(async () => {
      const d = await delivery(ctx.gw, key, first.body.id);
      return d.status === 'delivered' && d;
    });
    expect(receiver.at('/flaky').map((r) => r.body.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(receiver.at('/flaky').map((r) => r.body.id)).size).toBe(1);
    expect(record.attempt_count).toBe(4);
    expect(record.attempts.map((a) => [a.number, a.outcome, a.status_code])).toEqual([
      [1, 'error', null],
      [2, 'failed', 503],
      [3, 'failed', 503],
      [4, 'succeeded', 200],
    ]);
    expect(record.attempts[1].response_snippet).toBe('status 503');
    expect(record.attempts[0].error).toEqual(expect.any(String));
    // Nothing more arrives once delivered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.at('/flaky')).toHaveLength(4);
  });

  it('fails a delivery after 5 attempts, and a replay delivers it later under the same id', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    let up = false;
    receiver.respond = (request) => (request.path === '/down' && !up ? 500 : 200);
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/down') });
    await publish(ctx.gw, { customerId });
    const [first] = await eventually(() => receiver.at('/down').length >= 1 && receiver.at('/down'));
    const failed = await eventually(async () => {
      const d = await delivery(ctx.gw, key, first.body.id);
      return d.status === 'failed' && d;
    });
    expect(failed.attempt_count).toBe(5);
    expect(failed.attempts).toHaveLength(5);
    expect(receiver.at('/down')).toHaveLength(5);

    const listed = await ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries?status=failed`).set(bearer(key)).expect(200);
    expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([first.body.id]);

    up = true;
    const replay = await ctx.http.post(`/v1/webhook-deliveries/${first.body.id}/replay`).set(bearer(key)).expect(202);
    expect(replay.body).toMatchObject({ id: first.body.id, status: 'pending' });
    const delivered = await eventually(async () => {
      const d = await delivery(ctx.gw, key, first.body.id);
      return d.status === 'delivered' && d;
    });
    expect(delivered.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'succeeded']);
    const last = receiver.at('/down')[5];
    expect(last.body).toMatchObject({ id: first.body.id, attempt: 6 });
  });

  it('disables the endpoint on 410 Gone and stops retrying its deliveries', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    receiver.respond = (request) => (request.path === '/gone' ? 410 : 200);
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/gone') });
    await publish(ctx.gw, { customerId });
    const [first] = await eventually(() => receiver.at('/gone').length >= 1 && receiver.at('/gone'));
    await eventually(async () => (await delivery(ctx.gw, key, first.body.id)).status === 'failed');
    const after = await ctx.http.get(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).expect(200);
    expect(after.body).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    await publish(ctx.gw, { customerId });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.at('/gone')).toHaveLength(1);

    // Enabling it again clears the reason.
    const enabled = await ctx.http.patch(`/v1/webhooks/${endpoint.id}`).set(bearer(key)).send({ enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it('exposes delivery outcomes, attempt latency and queue depth at /metrics', async () => {
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/metrics') });
    const test = await ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(bearer(key)).expect(202);
    await eventually(async () => (await delivery(ctx.gw, key, test.body.id)).status === 'delivered');
    const metrics = (await ctx.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^webhook_deliveries_total\{outcome="delivered"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_attempts_total\{outcome="succeeded"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_attempt_duration_seconds_count\{outcome="succeeded"\} [1-9]/m);
    expect(metrics).toMatch(/^webhook_queue_depth\{state="waiting"\} \d+/m);
  });

  it('records an attempt refused by the egress guard when the address has become internal', async () => {
    const { customerId, key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const endpoint = await createEndpoint(ctx.gw, key, { url: receiver.url('/refused') });
    // As DNS rebinding would: the registered URL now leads to an address that is not allowed.
    await ctx.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { url: `http://127.0.0.2:${receiver.port}/refused` } });
    await publish(ctx.gw, { customerId });
    const listed = await eventually(async () => {
      const res = await ctx.http.get(`/v1/webhooks/${endpoint.id}/deliveries`).set(bearer(key));
      return res.body.data?.[0]?.attempt_count >= 1 && res.body.data[0];
    });
    const record = await eventually(async () => {
      const d = await delivery(ctx.gw, key, listed.id);
      return d.attempts[0]?.finished_at ? d : undefined;
    });
    expect(record.attempts[0]).toMatchObject({ outcome: 'error', status_code: null, error: expect.stringMatching(/egress/) });
    expect(receiver.at('/refused')).toHaveLength(0);
  });
});
