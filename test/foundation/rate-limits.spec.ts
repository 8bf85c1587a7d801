import { TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { useTestContext } from '../support/context';

describe('Rate limits', () => {
  const ctx = useTestContext();

  it('allows a burst of 60, answers the 61st with 429 and Retry-After, then refills at 1/s', async () => {
    const { key } = await ctx.newAccount();
    const started = Date.now();
    for (let i = 1; i <= 60; i++) {
      const res = await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('60');
      expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThanOrEqual(60 - i + Math.ceil((Date.now() - started) / 1000));
    }
    // The bucket refills at 1/s while the burst is sent: on a slow machine a request or two more may pass.
    let refused = await ctx.http.get('/v1/support/tickets').set(bearer(key));
    let extra = 0;
    while (refused.status === 200) {
      extra++;
      refused = await ctx.http.get('/v1/support/tickets').set(bearer(key));
    }
    expect(extra).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(59);

    // Less than one token is left now; 2.2 s later two (or, with the leftover fraction, three) have refilled.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    let refilled = 0;
    while ((await ctx.http.get('/v1/support/tickets').set(bearer(key))).status === 200) refilled++;
    expect(refilled).toBeGreaterThanOrEqual(2);
    expect(refilled).toBeLessThanOrEqual(3);
  });

  it('peeks at /v1/limits without consuming', async () => {
    // A bucket that refills once in 1,000 s, so that time passing between the requests (a busy machine)
    // cannot refill what a peek might have spent.
    await ctx.http
      .put('/v1/admin/plans/glacial')
      .set(bearer(ctx.gw.adminToken))
      .send({ name: 'Glacial', channel_limit: 3, rate_limit: { burst: 60, per_second: 0.001 } })
      .expect(200);
    const { key } = await ctx.newAccount({ plan: 'glacial' });
    await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    const first = await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    for (let i = 0; i < 5; i++) await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    const last = await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    expect(first.body.rate_limit.remaining).toBe(59);
    expect(last.body.rate_limit.remaining).toBe(59);
    expect(last.headers['x-ratelimit-remaining']).toBe('59');
    expect(last.body).toMatchObject({ plan: 'glacial', channel_limit: 3, rate_limit: { limit: 60, refill_per_second: 0.001 } });
  });

  it('reports the free plan', async () => {
    const { key } = await ctx.newAccount();
    const res = await ctx.http.get('/v1/limits').set(bearer(key)).expect(200);
    expect(res.body).toMatchObject({ plan: 'free', channel_limit: 3, rate_limit: { limit: 60, refill_per_second: 1 } });
  });

  it('keeps one bucket per key', async () => {
    const a = await ctx.newAccount();
    const b = await ctx.newAccount();
    for (let i = 0; i < 10; i++) await ctx.http.get('/v1/support/tickets').set(bearer(a.key)).expect(200);
    const res = await ctx.http.get('/v1/limits').set(bearer(b.key)).expect(200);
    expect(res.body.rate_limit.remaining).toBe(60);
  });

  it("follows the plan of the key's customer", async () => {
    await ctx.http
      .put('/v1/admin/plans/tiny')
      .set(bearer(ctx.gw.adminToken))
      .send({ name: 'Tiny', channel_limit: 1, rate_limit: { burst: 3, per_second: 0.5 } })
      .expect(200);
    const { key } = await ctx.newAccount({ plan: 'tiny' });
    for (let i = 0; i < 3; i++) await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    const refused = await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(429);
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    expect(refused.headers['retry-after']).toBe('2');
  });

  it('shares one bucket between two gateway processes on one Redis', async () => {
    const second = await TestGateway.start(ctx.prisma, { redisKeyPrefix: ctx.gw.config.redisKeyPrefix });
    try {
      // A refill slow enough that the test's own duration cannot add a token.
      await ctx.http
        .put('/v1/admin/plans/shared')
        .set(bearer(ctx.gw.adminToken))
        .send({ name: 'Shared', channel_limit: 1, rate_limit: { burst: 20, per_second: 0.001 } })
        .expect(200);
      const { key } = await ctx.newAccount({ plan: 'shared' });
      const requests = Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? ctx.gw : second).http.get('/v1/support/tickets').set(bearer(key)),
      );
      const statuses = (await Promise.all(requests)).map((res) => res.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    } finally {
      await second.app.close();
    }
  });
});
