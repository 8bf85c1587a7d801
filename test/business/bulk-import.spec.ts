import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * Bulk imports of up to 500 products: validated whole, then upserted by retailer id and synced to the
 * simulator's catalog by queued jobs paced to its throttle; idempotent when repeated, and carried through a
 * gateway restart without a product made twice or lost.
 */
describe('Business: bulk product import', () => {
  const ctx = useTestContext();
  let channel: TestChannel;
  let phone: string;

  beforeAll(async () => {
    const number = newPhone();
    phone = digits(number);
    ctx.simulator.createPhone(phone, { business: true });
    channel = await ctx.newChannel({ paired: true, phone: number });
  });

  const api = (method: 'get' | 'post', path: string) =>
    ctx.http[method](`/v1/channels/${channel.id}/business${path}`).set(bearer(channel.key));
  const items = (prefix: string, count: number, price = 1000) =>
    Array.from({ length: count }, (_, n) => ({
      retailer_id: `${prefix}-${n}`,
      name: `${prefix} item ${n}`,
      price_amount_1000: price + n,
      currency: 'EUR',
    }));
  const finished = (importId: string, timeoutMs = 120_000) =>
    eventually(
      async () => (await api('get', `/imports/${importId}`).expect(200)).body,
      (body) => body.status === 'completed',
      timeoutMs,
      200,
    );
  const onPhone = (prefix: string) => ctx.simulator.catalog(phone).filter((p) => p.retailerId.startsWith(`${prefix}-`));

  it('refuses the whole import when one item is invalid, naming it by index; nothing is imported', async () => {
    const products = items('BAD', 500);
    products[317] = { ...products[317], currency: 'euro' };
    const res = await api('post', '/products/bulk').send({ products }).expect(400);
    expect(errorCode(res)).toBe('invalid_request');
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ path: ['products', 317, 'currency'] })]);
    expect((await api('get', '/products?limit=100').expect(200)).body.data).toEqual([]);
  });

  it.each([
    ['an empty list', { products: [] }],
    ['501 products', { products: items('BIG', 501) }],
    ['a retailer_id twice', { products: [...items('TWICE', 2), items('TWICE', 1)[0]] }],
    [
      'an image media_id not on the channel',
      { products: [{ ...items('IMG', 1)[0], images: [{ media_id: 'med_01JUNKNOWN000000000000000' }] }] },
    ],
  ])('refuses %s', async (_, body) => {
    expect(errorCode(await api('post', '/products/bulk').send(body).expect(400))).toBe('invalid_request');
  });

  it('imports 500 products, syncs each, and reports per-item results', async () => {
    const accepted = await api('post', '/products/bulk')
      .send({ products: items('A', 500) })
      .expect(202);
    expect(accepted.body).toEqual({ import_id: expect.stringMatching(/^imp_/), status: 'queued', total: 500 });
    const done = await finished(accepted.body.import_id);
    expect(done).toMatchObject({ total: 500, processed: 500, counts: { created: 500, failed: 0, pending: 0 } });
    expect(done.items[499]).toEqual({
      index: 499,
      retailer_id: 'A-499',
      status: 'created',
      product_id: expect.stringMatching(/^prd_/),
      error: null,
    });
    expect(onPhone('A')).toHaveLength(500);
    const synced = (await api('get', '/products?sync=synced&limit=100').expect(200)).body;
    expect(synced.data).toHaveLength(100);
  }, 180_000);

  it('is idempotent by retailer_id: the same import again changes nothing, a changed item is updated in place', async () => {
    const products = items('A', 500);
    products[7] = { ...products[7], name: 'Renamed' };
    const accepted = await api('post', '/products/bulk').send({ products }).expect(202);
    const done = await finished(accepted.body.import_id);
    expect(done.counts).toMatchObject({ unchanged: 499, updated: 1, created: 0, failed: 0 });
    expect(onPhone('A')).toHaveLength(500);
    expect(onPhone('A').find((p) => p.retailerId === 'A-7')?.name).toBe('Renamed');
  }, 180_000);

  it("walks every page of WhatsApp's catalog when reconciling: 500 products, none taken for deleted", async () => {
    const before = ctx.simulator.catalog(phone).length;
    expect(before).toBeGreaterThan(100 * 4);
    const res = await api('post', '/catalog/sync').expect(200);
    expect(res.body).toEqual({ total: before, created: 0, updated: 0, deleted: 0, unchanged: before });
    expect(onPhone('A')).toHaveLength(500);
  }, 60_000);

  it('reports items WhatsApp refuses as failed and goes on with the rest', async () => {
    ctx.simulator.failCatalogWrites(phone, 2, 500, 'internal-server-error');
    const accepted = await api('post', '/products/bulk')
      .send({ products: items('F', 10) })
      .expect(202);
    const done = await finished(accepted.body.import_id);
    expect(done.counts).toMatchObject({ created: 8, failed: 2 });
    expect(done.items.filter((i: { status: string }) => i.status === 'failed')[0].error).toMatchObject({
      code: 'other',
      reason: 'whatsapp_error',
    });
    expect(onPhone('F')).toHaveLength(8);
  }, 60_000);

  it('survives a gateway restart mid-import: no product made twice, none lost', async () => {
    ctx.simulator.setCatalogRate(phone, 40);
    try {
      const accepted = await api('post', '/products/bulk')
        .send({ products: items('R', 500) })
        .expect(202);
      const id = accepted.body.import_id as string;
      await eventually(
        async () => (await api('get', `/imports/${id}`).expect(200)).body,
        (body) => body.processed >= 30,
        60_000,
        100,
      );
      await ctx.restart();
      const mid = (await api('get', `/imports/${id}`).expect(200)).body;
      expect(mid.processed).toBeLessThan(500);
      const done = await finished(id, 180_000);
      expect(done.counts).toMatchObject({ failed: 0, pending: 0 });
      expect(done.counts.created + done.counts.unchanged + done.counts.updated).toBe(500);
      const catalog = onPhone('R');
      expect(catalog).toHaveLength(500);
      expect(new Set(catalog.map((p) => p.retailerId)).size).toBe(500);
    } finally {
      ctx.simulator.setCatalogRate(phone, 60);
    }
  }, 240_000);

  it('keeps imports to their channel', async () => {
    const accepted = await api('post', '/products/bulk')
      .send({ products: items('ISO', 1) })
      .expect(202);
    const number = newPhone();
    ctx.simulator.createPhone(digits(number), { business: true });
    const other = await ctx.newChannel({
      paired: true,
      phone: number,
      account: { key: channel.key, customerId: channel.customerId },
      name: 'other',
    });
    const res = await ctx.http.get(`/v1/channels/${other.id}/business/imports/${accepted.body.import_id as string}`).set(bearer(other.key));
    expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
    await finished(accepted.body.import_id);
  });
});
