import sharp from 'sharp';
import { Prisma } from '../../src/platform/database';
import { SourceServer } from '../media/source-server';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * WhatsApp Business through real Baileys on the simulator, which keeps business profiles, catalogs,
 * collections and orders as WhatsApp's server does: the profile read and written live, products kept by the
 * gateway and synced to the catalog, reconcile from the phone, collections, and orders from customers.
 */
describe('Business', () => {
  // product images given by source_url are fetched from a local server
  const ctx = useTestContext(() => ({ egressAllowedHosts: ['127.0.0.1'] }));
  let channel: TestChannel;
  let phone: string;
  let source: SourceServer;

  async function businessChannel(options: { account?: { key: string; customerId: string }; name?: string } = {}) {
    const number = newPhone();
    ctx.simulator.createPhone(digits(number), { business: true });
    return { channel: await ctx.newChannel({ paired: true, phone: number, ...options }), phone: digits(number) };
  }

  beforeAll(async () => {
    source = await SourceServer.start();
    ({ channel, phone } = await businessChannel());
  });
  afterAll(async () => {
    await source.close();
  });

  const call = (method: 'get' | 'patch' | 'delete' | 'post', path: string, of: TestChannel = channel) =>
    ctx.http[method](`/v1/channels/${of.id}/business${path}`).set(bearer(of.key));
  const synced = (id: string, of: TestChannel = channel) =>
    eventually(
      async () => (await call('get', `/products/${id}`, of).expect(200)).body,
      (p) => p.sync.state !== 'pending',
    );
  const product = (retailerId: string, extra: Record<string, unknown> = {}) => ({
    retailer_id: retailerId,
    name: `Product ${retailerId}`,
    price_amount_1000: 9990,
    currency: 'USD',
    ...extra,
  });

  describe('profile', () => {
    it('reads the business profile from WhatsApp', async () => {
      const res = await call('get', '/profile').expect(200);
      expect(res.body).toEqual({ description: '', address: null, email: null, websites: [], category: 'Shopping & retail', hours: null });
    });

    it('writes description, address, email, websites and hours; the phone shows them; the category stays read only', async () => {
      const change = {
        description: 'Fresh bread every morning',
        address: '1 Baker Street',
        email: 'hello@bakery.example',
        websites: ['https://bakery.example', 'https://shop.bakery.example'],
        hours: {
          timezone: 'Europe/Paris',
          days: [
            { day: 'mon', mode: 'specific_hours', open_minute: 420, close_minute: 1140 },
            { day: 'sun', mode: 'open_24h' },
          ],
        },
      };
      const res = await call('patch', '/profile').send(change).expect(200);
      expect(res.body).toEqual({ ...change, category: 'Shopping & retail' });
      expect(ctx.simulator.businessProfile(phone)).toMatchObject({
        description: 'Fresh bread every morning',
        address: '1 Baker Street',
        websites: ['https://bakery.example', 'https://shop.bakery.example'],
        hours: {
          timezone: 'Europe/Paris',
          days: [
            { day: 'mon', mode: 'specific_hours', openTime: 420, closeTime: 1140 },
            { day: 'sun', mode: 'open_24h' },
          ],
        },
      });
      expect((await call('get', '/profile').expect(200)).body.email).toBe('hello@bakery.example');
    });

    it('removes the email and the address with an empty string, leaving the other fields', async () => {
      await call('patch', '/profile').send({ email: 'shop@bakery.example', address: '2 Baker Street', description: 'Kept' }).expect(200);
      const res = await call('patch', '/profile').send({ email: '', address: '' }).expect(200);
      expect(res.body).toMatchObject({ email: null, address: null, description: 'Kept' });
      expect(ctx.simulator.businessProfile(phone)).toMatchObject({ email: undefined, address: undefined, description: 'Kept' });
    });

    it.each([
      ['the category (read only)', { category: 'Bakery' }],
      ['three websites', { websites: ['https://a.example', 'https://b.example', 'https://c.example'] }],
      ['an empty list of websites (a change naming none leaves them as they are)', { websites: [] }],
      ['a bad email', { email: 'not-an-email' }],
      ['specific hours without times', { hours: { timezone: 'UTC', days: [{ day: 'mon', mode: 'specific_hours' }] } }],
      [
        'closing before opening',
        { hours: { timezone: 'UTC', days: [{ day: 'mon', mode: 'specific_hours', open_minute: 600, close_minute: 500 }] } },
      ],
      ['nothing to change', {}],
    ])('refuses %s', async (_, body) => {
      expect(errorCode(await call('patch', '/profile').send(body).expect(400))).toBe('invalid_request');
    });
  });

  describe('products', () => {
    it('creates a product (pending), syncs it into the catalog, and reads it back', async () => {
      const res = await call('post', '/products')
        .send(
          product('SKU-1', {
            description: 'Sourdough',
            sale_price_amount_1000: 7990,
            url: 'https://bakery.example/sourdough',
            availability: 'preorder',
          }),
        )
        .expect(201);
      expect(res.body).toMatchObject({
        retailer_id: 'SKU-1',
        sync: { state: 'pending', error: null },
        wa_product_id: null,
        availability: 'preorder',
      });
      const done = await synced(res.body.id);
      expect(done).toMatchObject({
        sync: { state: 'synced', error: null },
        wa_product_id: expect.stringMatching(/^\d+$/),
        review_status: 'APPROVED',
      });
      expect(ctx.simulator.catalog(phone)).toContainEqual(
        expect.objectContaining({
          id: done.wa_product_id,
          retailerId: 'SKU-1',
          name: 'Product SKU-1',
          description: 'Sourdough',
          price: '9990',
          currency: 'USD',
        }),
      );
    });

    it('uploads images to WhatsApp with the product', async () => {
      const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 10, g: 120, b: 40 } } })
        .jpeg()
        .toBuffer();
      const media = await ctx.http
        .post(`/v1/channels/${channel.id}/media`)
        .set(bearer(channel.key))
        .attach('file', jpeg, { filename: 'p.jpg', contentType: 'image/jpeg' })
        .expect(201);
      // one upload after another over the same connection: each image must arrive whole for the next to go through
      for (const retailerId of ['SKU-IMG', 'SKU-IMG-2']) {
        const res = await call('post', '/products')
          .send(product(retailerId, { images: [{ media_id: media.body.media_id }] }))
          .expect(201);
        const done = await synced(res.body.id);
        expect({ retailerId, sync: done.sync }).toEqual({
          retailerId,
          sync: { state: 'synced', error: null, synced_at: expect.any(String) },
        });
        expect(done.wa_image_url).toMatch(/^https:\/\/mmg\.whatsapp\.net\//);
        const onPhone = ctx.simulator.catalog(phone).find((p) => p.id === done.wa_product_id)!;
        expect(onPhone.imageUrls).toHaveLength(1);
      }
    });

    it('fetches a source_url image when the product is synced, and fails the sync when it cannot be fetched', async () => {
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 20, b: 20 } } })
        .png()
        .toBuffer();
      const url = source.serve('/loaf.png', { body: png, headers: { 'Content-Type': 'image/png' } });
      const res = await call('post', '/products')
        .send(product('SKU-URL', { images: [{ source_url: url }] }))
        .expect(201);
      expect(res.body.images).toEqual([{ source_url: url }]);
      const done = await synced(res.body.id);
      expect(done).toMatchObject({
        sync: { state: 'synced', error: null },
        wa_image_url: expect.stringMatching(/^https:\/\/mmg\.whatsapp\.net\//),
      });
      expect(source.hitsOf('/loaf.png')).toBe(1);
      expect(ctx.simulator.catalog(phone).find((p) => p.id === done.wa_product_id)!.imageUrls).toHaveLength(1);

      const missing = (
        await call('post', '/products')
          .send(product('SKU-URL-404', { images: [{ source_url: source.url('/missing.png') }] }))
          .expect(201)
      ).body;
      const failed = await synced(missing.id);
      expect(failed).toMatchObject({ sync: { state: 'failed', error: { message: expect.stringMatching(/404/) } }, wa_product_id: null });
      expect(ctx.simulator.catalog(phone).some((p) => p.retailerId === 'SKU-URL-404')).toBe(false);
    });

    it('makes a product again when a change finds it deleted on the phone', async () => {
      const created = (await call('post', '/products').send(product('SKU-GONE')).expect(201)).body;
      const first = await synced(created.id);
      await ctx.http
        .put(`/v1/sandbox/channels/${channel.id}/business/products/${first.wa_product_id as string}`)
        .set(bearer(channel.key))
        .send({ deleted: true })
        .expect(200);
      await call('patch', `/products/${created.id}`).send({ name: 'Back again' }).expect(200);
      const again = await eventually(
        async () => (await call('get', `/products/${created.id}`).expect(200)).body,
        (p) => p.sync.state !== 'pending' && p.name === 'Back again',
      );
      expect(again).toMatchObject({ sync: { state: 'synced', error: null }, wa_product_id: expect.stringMatching(/^\d+$/) });
      expect(again.wa_product_id).not.toBe(first.wa_product_id);
      expect(ctx.simulator.catalog(phone).filter((p) => p.retailerId === 'SKU-GONE')).toEqual([
        expect.objectContaining({ id: again.wa_product_id, name: 'Back again' }),
      ]);
    });

    it('updates a product on WhatsApp under the same id, and deletes it there', async () => {
      const created = (await call('post', '/products').send(product('SKU-2')).expect(201)).body;
      const first = await synced(created.id);
      const patched = await call('patch', `/products/${created.id}`)
        .send({ name: 'Rye loaf', price_amount_1000: 4500, hidden: true })
        .expect(200);
      expect(patched.body.sync.state).toBe('pending');
      const after = await eventually(
        async () => (await call('get', `/products/${created.id}`).expect(200)).body,
        (p) => p.sync.state === 'synced' && p.name === 'Rye loaf',
      );
      expect(after.wa_product_id).toBe(first.wa_product_id);
      expect(ctx.simulator.catalog(phone).find((p) => p.id === first.wa_product_id)).toMatchObject({
        name: 'Rye loaf',
        price: '4500',
        hidden: true,
      });
      await call('delete', `/products/${created.id}`).expect(204);
      expect(errorCode(await call('get', `/products/${created.id}`).expect(404))).toBe('not_found');
      await eventually(
        async () => ctx.simulator.catalog(phone).some((p) => p.id === first.wa_product_id),
        (present) => !present,
      );
    });

    it('lists products newest first with a cursor and filters', async () => {
      const ids: string[] = [];
      for (const n of [1, 2, 3])
        ids.push(
          (
            await call('post', '/products')
              .send(product(`LIST-${n}`, { hidden: n === 2, availability: n === 3 ? 'out_of_stock' : 'in_stock' }))
              .expect(201)
          ).body.id,
        );
      const first = (await call('get', '/products?limit=2').expect(200)).body;
      expect(first.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
      expect(first.has_more).toBe(true);
      const second = (await call('get', `/products?limit=2&cursor=${first.next_cursor}`).expect(200)).body;
      expect(second.data[0].id).toBe(ids[0]);
      expect((await call('get', '/products?hidden=true').expect(200)).body.data.map((p: { id: string }) => p.id)).toEqual([ids[1]]);
      expect((await call('get', '/products?availability=out_of_stock').expect(200)).body.data.map((p: { id: string }) => p.id)).toEqual([
        ids[2],
      ]);
      const since = new Date(Date.now() + 60_000).toISOString();
      expect((await call('get', `/products?updated_since=${encodeURIComponent(since)}`).expect(200)).body.data).toEqual([]);
      expect(errorCode(await call('get', '/products?cursor=forged').expect(400))).toBe('invalid_request');
      expect(errorCode(await call('get', '/products?hidden=maybe').expect(400))).toBe('invalid_request');
    });

    it('refuses a retailer_id already used on the channel', async () => {
      await call('post', '/products').send(product('DUP')).expect(201);
      const res = await call('post', '/products').send(product('DUP')).expect(409);
      expect(res.body.error).toMatchObject({ code: 'other', details: { reason: 'retailer_id_taken' } });
    });

    it.each([
      ['no name', { retailer_id: 'V1', price_amount_1000: 1, currency: 'USD' }],
      ['a negative price', product('V2', { price_amount_1000: -1 })],
      ['a fractional price', product('V3', { price_amount_1000: 1.5 })],
      ['a currency that is no ISO code', product('V4', { currency: 'usd' })],
      ['a sale price above the price', product('V5', { sale_price_amount_1000: 99999 })],
      ['an unknown availability', product('V6', { availability: 'sold' })],
      [
        'an image with both media_id and source_url',
        product('V7', { images: [{ media_id: 'med_x', source_url: 'https://a.example/x.jpg' }] }),
      ],
      ['eleven images', product('V8', { images: Array.from({ length: 11 }, () => ({ source_url: 'https://a.example/x.jpg' })) })],
      ['an image media_id not on the channel', product('V9', { images: [{ media_id: 'med_01JUNKNOWN000000000000000' }] })],
      ['a retailer_id with spaces', product('V 10')],
      ['an unknown field', product('V11', { colour: 'red' })],
      ['an origin country that is no ISO code', product('V12', { origin_country: 'France' })],
    ])('refuses %s', async (_, body) => {
      expect(errorCode(await call('post', '/products').send(body).expect(400))).toBe('invalid_request');
    });

    it('refuses an empty change and a sale price left above a new price', async () => {
      const created = (
        await call('post', '/products')
          .send(product('PATCH-V', { sale_price_amount_1000: 5000 }))
          .expect(201)
      ).body;
      expect(errorCode(await call('patch', `/products/${created.id}`).send({}).expect(400))).toBe('invalid_request');
      expect(errorCode(await call('patch', `/products/${created.id}`).send({ price_amount_1000: 4000 }).expect(400))).toBe(
        'invalid_request',
      );
    });

    it.each([
      ['get', '/products/prd_01JUNKNOWN0000000000000000'],
      ['get', '/products/not-an-id'],
      ['patch', '/products/prd_01JUNKNOWN0000000000000000'],
      ['delete', '/products/prd_01JUNKNOWN0000000000000000'],
      ['get', '/imports/imp_01JUNKNOWN0000000000000000'],
      ['get', '/orders/ord_01JUNKNOWN0000000000000000'],
    ] as const)('answers not_found for %s %s', async (method, path) => {
      const res = await call(method, path).send(method === 'patch' ? { name: 'x' } : undefined);
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
    });

    it('records what WhatsApp refuses as a failed sync, and a later change syncs again', async () => {
      ctx.simulator.failCatalogWrites(phone, 1, 406, 'not-acceptable');
      const created = (await call('post', '/products').send(product('FAIL-1')).expect(201)).body;
      const failed = await synced(created.id);
      expect(failed.sync).toMatchObject({ state: 'failed', error: { code: 'invalid_request', reason: 'whatsapp_not_acceptable' } });
      expect((await call('get', '/products?sync=failed').expect(200)).body.data.map((p: { id: string }) => p.id)).toContain(created.id);
      await call('patch', `/products/${created.id}`).send({ name: 'Second try' }).expect(200);
      expect((await synced(created.id)).sync).toEqual({ state: 'synced', error: null, synced_at: expect.any(String) });
    });

    it('finds in the catalog a product whose create reached WhatsApp before the gateway stopped, and makes it once', async () => {
      // WhatsApp made the product, the gateway stopped before it recorded WhatsApp's id
      const made = ctx.simulator.addProductOnPhone(phone, {
        retailerId: 'CRASH-1',
        name: 'Product CRASH-1',
        price: '9990',
        currency: 'USD',
      });
      const row = await ctx.prisma.businessProduct.create({
        data: {
          id: 'prd_01JCRASH00000000000000000A',
          channelId: channel.id,
          customerId: channel.customerId,
          retailerId: 'CRASH-1',
          name: 'Product CRASH-1',
          priceAmount1000: 9990n,
          currency: 'USD',
          inFlightAt: new Date(),
        },
      });
      // any write queues a sync of everything pending on the channel
      await call('post', '/products').send(product('CRASH-2')).expect(201);
      const done = await synced(row.id);
      expect(done).toMatchObject({ wa_product_id: made.id, sync: { state: 'synced' } });
      expect(ctx.simulator.catalog(phone).filter((p) => p.retailerId === 'CRASH-1')).toHaveLength(1);
    });

    it('backs off when WhatsApp throttles catalog requests, and every product still gets through', async () => {
      ctx.simulator.setCatalogRate(phone, 3);
      try {
        const ids: string[] = [];
        for (let n = 0; n < 10; n++)
          ids.push(
            (
              await call('post', '/products')
                .send(product(`THR-${n}`))
                .expect(201)
            ).body.id,
          );
        for (const id of ids) expect((await synced(id)).sync.state).toBe('synced');
        const onPhone = ctx.simulator.catalog(phone).filter((p) => p.retailerId.startsWith('THR-'));
        expect(onPhone).toHaveLength(10);
      } finally {
        ctx.simulator.setCatalogRate(phone, 60);
      }
    }, 60_000);
  });

  describe('catalog sync and collections', () => {
    it('takes in products changed, made and deleted on the phone', async () => {
      const created = (await call('post', '/products').send(product('REC-1')).expect(201)).body;
      const gone = (await call('post', '/products').send(product('REC-2')).expect(201)).body;
      const a = await synced(created.id);
      const b = await synced(gone.id);
      const sandbox = (waId: string, body: object) =>
        ctx.http.put(`/v1/sandbox/channels/${channel.id}/business/products/${waId}`).set(bearer(channel.key)).send(body);
      expect((await sandbox(a.wa_product_id, { name: 'Renamed on the phone', price_amount_1000: 1234 }).expect(200)).body).toMatchObject({
        name: 'Renamed on the phone',
        price_amount_1000: 1234,
      });
      await sandbox(b.wa_product_id, { deleted: true }).expect(200);
      ctx.simulator.addProductOnPhone(phone, { retailerId: 'PHONE-1', name: 'Made on the phone', price: '500', currency: 'USD' });

      const res = await call('post', '/catalog/sync').expect(200);
      expect(res.body).toMatchObject({ created: 1, updated: 1, deleted: 1 });
      expect((await call('get', `/products/${created.id}`).expect(200)).body).toMatchObject({
        name: 'Renamed on the phone',
        price_amount_1000: 1234,
      });
      expect(errorCode(await call('get', `/products/${gone.id}`).expect(404))).toBe('not_found');
      const list = (await call('get', '/products?limit=100').expect(200)).body.data as Array<{
        retailer_id: string;
        sync: { state: string };
      }>;
      expect(list.find((p) => p.retailer_id === 'PHONE-1')).toMatchObject({ sync: { state: 'synced' } });
      expect((await call('post', '/catalog/sync').expect(200)).body).toMatchObject({ created: 0, updated: 0, deleted: 0 });
      expect(errorCode(await sandbox('999', { name: 'x' }).expect(404))).toBe('not_found');
    });

    it("reads the collections made in the Business app, naming the gateway's products", async () => {
      const created = (await call('post', '/products').send(product('COL-1')).expect(201)).body;
      const done = await synced(created.id);
      const collectionId = ctx.simulator.createCollection(phone, 'Breads', [done.wa_product_id]);
      const res = await call('get', '/collections').expect(200);
      expect(res.body.data).toContainEqual({
        id: collectionId,
        name: 'Breads',
        status: 'APPROVED',
        products: [{ wa_product_id: done.wa_product_id, product_id: created.id, retailer_id: 'COL-1', name: 'Product COL-1' }],
      });
    });

    it('answers rate_limited with Retry-After when WhatsApp keeps throttling a request the client waits on', async () => {
      ctx.simulator.setCatalogRate(phone, 0);
      try {
        for (const [method, path] of [
          ['get', '/collections'],
          ['post', '/catalog/sync'],
        ] as const) {
          const res = await call(method, path);
          expect({ path, status: res.status, code: errorCode(res) }).toEqual({ path, status: 429, code: 'rate_limited' });
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      } finally {
        ctx.simulator.setCatalogRate(phone, 60);
      }
    });
  });

  describe('orders', () => {
    it('refuses a forged cursor and a limit out of range', async () => {
      expect(errorCode(await call('get', '/orders?cursor=forged').expect(400))).toBe('invalid_request');
      expect(errorCode(await call('get', '/orders?limit=0').expect(400))).toBe('invalid_request');
    });

    it('mirrors an order a customer places, with its items, and delivers it as message.received of type order', async () => {
      const created = (
        await call('post', '/products')
          .send(product('ORD-1', { price_amount_1000: 2500 }))
          .expect(201)
      ).body;
      const done = await synced(created.id);
      const customer = newPhone();
      const placed = await ctx.http
        .post(`/v1/sandbox/channels/${channel.id}/business/orders`)
        .set(bearer(channel.key))
        .send({ from: customer, items: [{ wa_product_id: done.wa_product_id, quantity: 3 }], text: 'Before noon please' })
        .expect(201);
      expect(placed.body).toMatchObject({ total_amount_1000: 7500, currency: 'USD' });

      const orders = await eventually(
        async () => (await call('get', '/orders').expect(200)).body.data as Array<Record<string, unknown>>,
        (list) => list.length === 1 && list[0].items !== null && list[0].message_id !== null,
      );
      expect(orders[0]).toMatchObject({
        wa_order_id: placed.body.wa_order_id,
        customer: `${digits(customer)}@s.whatsapp.net`,
        status: 'inquiry',
        text: 'Before noon please',
        item_count: 3,
        total_amount_1000: 7500,
        currency: 'USD',
        items: [
          {
            wa_product_id: done.wa_product_id,
            product_id: created.id,
            retailer_id: 'ORD-1',
            name: 'Product ORD-1',
            quantity: 3,
            price_amount_1000: 2500,
            currency: 'USD',
          },
        ],
        details_error: null,
      });
      expect((await call('get', `/orders/${orders[0].id as string}`).expect(200)).body).toEqual(orders[0]);
      // as if WhatsApp had not answered the details when the order came: reading the order asks again
      await ctx.prisma.businessOrder.update({
        where: { id: orders[0].id as string },
        data: { items: Prisma.DbNull, detailsError: { code: 'channel_unavailable', message: 'no answer', reason: 'whatsapp_timeout' } },
      });
      expect((await call('get', '/orders').expect(200)).body.data[0]).toMatchObject({
        items: null,
        details_error: { code: 'channel_unavailable' },
      });
      expect((await call('get', `/orders/${orders[0].id as string}`).expect(200)).body).toEqual(orders[0]);
      const message = await channel.message(orders[0].message_id as string);
      expect(message).toMatchObject({
        type: 'order',
        order: { order_id: placed.body.wa_order_id, item_count: 3, total_amount_1000: 7500, text: 'Before noon please' },
      });
      const received = await eventually(
        () => channel.events('message.received'),
        (events) => events.some((e) => (e.message as { type: string }).type === 'order'),
      );
      expect(received.find((e) => (e.message as { type: string }).type === 'order')).toMatchObject({
        message: { type: 'order', order: { order_id: placed.body.wa_order_id } },
      });
    });

    it('refuses an order for a product the catalog does not have', async () => {
      const res = await ctx.http
        .post(`/v1/sandbox/channels/${channel.id}/business/orders`)
        .set(bearer(channel.key))
        .send({ from: newPhone(), items: [{ wa_product_id: '1', quantity: 1 }] });
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
    });
  });

  describe('refusals', () => {
    const ROUTES: Array<{ method: 'get' | 'post' | 'patch' | 'delete'; path: string; body?: object; live?: boolean }> = [
      { method: 'get', path: '/profile', live: true },
      { method: 'patch', path: '/profile', body: { description: 'x' }, live: true },
      { method: 'get', path: '/products' },
      { method: 'post', path: '/products', body: { retailer_id: 'S-1', name: 'x', price_amount_1000: 1, currency: 'USD' }, live: true },
      {
        method: 'post',
        path: '/products/bulk',
        body: { products: [{ retailer_id: 'S-1', name: 'x', price_amount_1000: 1, currency: 'USD' }] },
        live: true,
      },
      { method: 'get', path: '/products/prd_01JUNKNOWN0000000000000000' },
      { method: 'patch', path: '/products/prd_01JUNKNOWN0000000000000000', body: { name: 'x' }, live: true },
      { method: 'delete', path: '/products/prd_01JUNKNOWN0000000000000000', live: true },
      { method: 'get', path: '/imports/imp_01JUNKNOWN0000000000000000' },
      { method: 'post', path: '/catalog/sync', live: true },
      { method: 'get', path: '/collections', live: true },
      { method: 'get', path: '/orders' },
      { method: 'get', path: '/orders/ord_01JUNKNOWN0000000000000000' },
    ];

    it('answers not_business_account on a personal account', async () => {
      const personal = await ctx.newChannel({ paired: true });
      for (const { method, path, body } of ROUTES) {
        const res = await call(method, path, personal).send(body);
        const route = `${method} ${path}`;
        expect({ route, status: res.status, code: errorCode(res) }).toEqual({ route, status: 409, code: 'not_business_account' });
      }
      const sandbox = await ctx.http
        .post(`/v1/sandbox/channels/${personal.id}/business/orders`)
        .set(bearer(personal.key))
        .send({ from: newPhone(), items: [{ wa_product_id: '1', quantity: 1 }] });
      expect(errorCode(sandbox)).toBe('not_business_account');
    });

    it('keeps tenants apart and holds scoped keys and key modes on every route', async () => {
      const stranger = await ctx.newAccount();
      const { channel: other } = await businessChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'other' });
      expect((await call('get', '/products', other).expect(200)).body.data).toEqual([]);
      // another channel of the same account does not reach this channel's products
      const mine = (await call('post', '/products').send(product('ISO-1')).expect(201)).body;
      for (const method of ['get', 'patch', 'delete'] as const) {
        const res = await call(method, `/products/${mine.id as string}`, other).send(method === 'patch' ? { name: 'x' } : undefined);
        expect({ method, status: res.status, code: errorCode(res) }).toEqual({ method, status: 404, code: 'not_found' });
      }
      expect((await call('get', `/products/${mine.id as string}`).expect(200)).body.name).toBe('Product ISO-1');
      const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
      const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
      for (const route of ROUTES) {
        const path = `/v1/channels/${channel.id}/business${route.path}`;
        const codes = [];
        for (const key of [stranger.key, scoped.key, live.key, 'wiu_test_bogus']) {
          codes.push(errorCode(await ctx.http[route.method](path).set(bearer(key)).send(route.body)));
        }
        codes.push(errorCode(await ctx.http[route.method](path).send(route.body)));
        expect({ route: `${route.method} ${route.path}`, codes }).toEqual({
          route: `${route.method} ${route.path}`,
          codes: ['channel_not_found', 'channel_scoped_key', 'channel_access_denied', 'auth_malformed', 'auth_missing'],
        });
      }
    });

    it('needs a live socket to reach WhatsApp, and reads what it stored without one', async () => {
      const { channel: dropped } = await businessChannel();
      const kept = (await call('post', '/products', dropped).send(product('KEPT')).expect(201)).body;
      await synced(kept.id, dropped);
      await dropped.http.post(`/v1/channels/${dropped.id}/disconnect`).set(bearer(dropped.key)).expect(200);
      await dropped.waitForChannelStatus('stopped_by_user');
      for (const route of ROUTES.filter((r) => r.live)) {
        const res = await call(route.method, route.path, dropped).send(route.body);
        expect({ route: `${route.method} ${route.path}`, code: errorCode(res) }).toEqual({
          route: `${route.method} ${route.path}`,
          code: 'channel_unavailable',
        });
      }
      expect((await call('get', '/products', dropped).expect(200)).body.data.map((p: { id: string }) => p.id)).toEqual([kept.id]);
      expect((await call('get', '/orders', dropped).expect(200)).body.data).toEqual([]);
    });
  });
});
