import type { Browser, Page } from 'playwright-core';
import { WORKER_ID } from '../../src/engine/worker-id';
import { useTestContext } from '../support/context';
import { errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { newPhone } from '../support/phones';
import { launchBrowser, listen, webhookReceiver } from './support';

/**
 * The dashboard in a real Chromium against a real gateway on the simulator: sign in, create and pair a
 * channel, watch it connect live, send and receive, webhooks with their deliveries, API keys, and the
 * operator disabling a channel while its customer watches, then listing the gateway's workers.
 */
describe('Dashboard in a browser', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let browser: Browser;
  let base: string;
  let page: Page;
  let account: { customerId: string; key: string; keyId: string };
  let channelId: string;
  const TIMEOUT = 20_000;

  beforeAll(async () => {
    base = await listen(ctx);
    browser = await launchBrowser();
    account = await ctx.newAccount({ plan: 'unlimited' });
    page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('is served with a strict Content-Security-Policy that blocks inline scripts, and stays out of the API document', async () => {
    const response = await page.goto(`${base}/dashboard/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Browser code as text: the tests compile without the DOM's types.
    const violation = await page.evaluate<string>(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective), { once: true });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.body.append(script);
    })`);
    expect(violation).toMatch(/^script-src/);
    expect(await page.evaluate('window.inlineRan')).toBeUndefined();

    const doc = await ctx.http.get('/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths).filter((path) => path.startsWith('/dashboard'))).toEqual([]);
    await ctx.http.get('/dashboard').expect(301).expect('Location', '/dashboard/');
    const script = await ctx.http
      .get('/dashboard/js/app.js')
      .expect(200)
      .expect('Content-Type', /^text\/javascript/);
    await ctx.http.get('/dashboard/js/app.js').set('If-None-Match', script.headers.etag).expect(304);
    expect(errorCode(await ctx.http.get('/dashboard/js/nope.js').expect(404))).toBe('not_found');
    await ctx.http.get('/dashboard/../package.json').expect(404);
  });

  it('refuses a wrong key, then signs in with a key kept in sessionStorage only', async () => {
    await page.getByLabel('API key or operator token').fill('zpk_test_' + 'x'.repeat(32));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'auth_invalid' }).waitFor();
    await page.getByLabel('API key or operator token').fill(account.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    expect(page.url()).not.toContain(account.key);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).toContain(account.key);
  });

  it('creates a channel, shows its QR, pairs it with a simulated phone and turns connected without a reload', async () => {
    await page.getByLabel('Channel name').fill('Support line');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/#\/channels\/[0-9a-f-]{36}$/);
    channelId = page.url().split('/').pop()!;
    await page.evaluate('window.notReloaded = true');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForSelector('img#qr[src^="data:image/png;base64,"]');
    await page
      .locator('#qr-countdown')
      .filter({ hasText: /refreshes in \d+ s/ })
      .waitFor();
    await page.getByRole('button', { name: 'Scan with a simulated phone' }).click();
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    await page.waitForSelector('#timeline li[data-to="connected"]');
    await page
      .locator('[data-fact="Phone"]')
      .filter({ hasText: /^\+\d+$/ })
      .waitFor();
    expect(await page.evaluate('window.notReloaded')).toBe(true);

    await page.getByRole('link', { name: 'Channels', exact: true }).first().click();
    await page.waitForSelector(`tr[data-channel-id="${channelId}"] .badge[data-status="connected"]`);
  });

  it('keeps the channels list current over the event stream: a channel paired elsewhere turns connected in place', async () => {
    await page.goto(`${base}/dashboard/#/channels`);
    const created = await ctx.http
      .post('/v1/channels')
      .set('Authorization', `Bearer ${account.key}`)
      .send({ name: 'Paired by the API' })
      .expect(201);
    await page.evaluate('window.notReloaded = true');
    // The list was loaded before the channel existed: a state change of an unknown channel loads it again.
    await ctx.http.post(`/v1/channels/${created.body.id}/connect`).set('Authorization', `Bearer ${account.key}`).expect(202);
    await page.waitForSelector(`tr[data-channel-id="${created.body.id}"]`);
    await eventually(
      () => ctx.http.get(`/v1/channels/${created.body.id}/qr`).set('Authorization', `Bearer ${account.key}`),
      (res) => res.status === 200,
    );
    await ctx.http.post(`/v1/sandbox/channels/${created.body.id}/scan`).set('Authorization', `Bearer ${account.key}`).send({}).expect(200);
    await page.waitForSelector(`tr[data-channel-id="${created.body.id}"] .badge[data-status="connected"]`);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
  });

  it('sends a message and sees it in the history, then receives one live', async () => {
    await page.goto(`${base}/dashboard/#/channels/${channelId}`);
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    const contact = newPhone();
    await page.getByLabel('To', { exact: true }).fill(contact);
    await page.getByLabel('Text', { exact: true }).fill('Hello from the dashboard');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#history td').filter({ hasText: 'Hello from the dashboard' }).waitFor();

    await page.getByLabel('From').fill(contact);
    await page.getByLabel('Inbound text').fill('A reply, live');
    await page.getByRole('button', { name: 'Receive' }).click();
    await page.locator('#history td').filter({ hasText: 'A reply, live' }).waitFor();
    await page
      .locator('#chats td')
      .filter({ hasText: contact.slice(1) })
      .first()
      .waitFor();

    // Filters: only inbound.
    await page.getByLabel('Direction').selectOption('inbound');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(
      () => page.locator('#history tbody tr').count(),
      (n) => n === 1,
    );

    // Paging, ten a page: the two above and eleven more.
    for (let i = 1; i <= 11; i++) {
      await ctx.http
        .post(`/v1/channels/${channelId}/messages`)
        .set('Authorization', `Bearer ${account.key}`)
        .send({ type: 'text', to: contact, text: `paged ${i}` })
        .expect(202);
    }
    await page.getByLabel('Direction').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#history td').filter({ hasText: 'paged 11' }).waitFor();
    await page.getByRole('button', { name: 'Older' }).click();
    await page.locator('#history td').filter({ hasText: 'Hello from the dashboard' }).waitFor();
    expect(await page.locator('#history tbody tr').count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Older' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.locator('#history td').filter({ hasText: 'paged 11' }).waitFor();
    expect(await page.locator('#history tbody tr').count()).toBe(10);
  });

  it('registers a webhook (secret shown once), sends a test event, shows its attempts and replays it', async () => {
    const receiver = await webhookReceiver();
    try {
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = await page.locator('input[data-secret]').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('link', { name: 'Open the endpoint' }).click();
      await page.getByRole('button', { name: 'Send a test event' }).click();
      // Only the test event: message deliveries of the traffic above may still arrive.
      await page.getByLabel('Event type').fill('webhook.test');
      await eventually(
        async () => receiver.received.filter((r) => r.headers['x-whatisup-event'] === 'webhook.test').length,
        (n) => n >= 1,
      );
      await eventually(
        async () => {
          await page.locator('#deliveries').page().getByRole('button', { name: 'Filter' }).click();
          return page.locator('#deliveries tr[data-status="delivered"]').count();
        },
        (n) => n >= 1,
        TIMEOUT,
        300,
      );
      await page.locator('svg.chart rect.bar-ok').first().waitFor();
      await page.locator('#deliveries [data-action="replay"]').first().click();
      await eventually(
        async () => receiver.received.filter((r) => r.headers['x-whatisup-event'] === 'webhook.test').length,
        (n) => n >= 2,
      );
      await page.locator('#deliveries [data-action="attempts"]').first().click();
      await eventually(
        () => page.locator('#delivery-detail tr[data-attempt]').count(),
        (n) => n >= 2,
        TIMEOUT,
        300,
      );
      await page
        .locator('#delivery-detail td')
        .filter({ hasText: /^\d+ ms$/ })
        .first()
        .waitFor();

      await page.getByRole('button', { name: 'Disable' }).click();
      await page.locator('#app .badge[data-status="disabled"]').first().waitFor();
    } finally {
      await receiver.close();
    }
  });

  it('creates a key (secret shown once), lists it by prefix and revokes it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.locator('#key-form').getByLabel('Name').fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.locator('input[data-secret]').inputValue();
    expect(key).toMatch(/^zpk_test_[A-Za-z0-9]{32}$/);
    await ctx.http.get('/v1/limits').set('Authorization', `Bearer ${key}`).expect(200);
    const row = page.locator(`tr[data-prefix="${key.slice(0, 15)}"]`);
    await row.waitFor();
    expect(await page.locator('#key-list').textContent()).not.toContain(key);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.locator('.badge[data-status="revoked"]').waitFor();
    await ctx.http.get('/v1/limits').set('Authorization', `Bearer ${key}`).expect(401);
  });

  it('shows usage: the rate-limit budget, channels against the plan, messages per day', async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page
      .locator('#rate-limit')
      .filter({ hasText: /requests left/ })
      .waitFor();
    await page
      .locator('#channel-usage')
      .filter({ hasText: /2 of \d+ channels/ })
      .waitFor();
    await page.locator('svg.chart rect').first().waitFor();
  });

  it("lets the operator disable a channel, and the customer's page shows it live; the operator sees the workers", async () => {
    await page.goto(`${base}/dashboard/#/channels/${channelId}`);
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    const operator = await browser.newPage();
    try {
      operator.setDefaultTimeout(TIMEOUT);
      await operator.goto(`${base}/dashboard/`);
      await operator.getByLabel('API key or operator token').fill(ctx.gw.adminToken);
      await operator.getByRole('button', { name: 'Sign in' }).click();
      await operator.getByRole('heading', { name: 'Customers' }).waitFor();
      await operator.locator('td').filter({ hasText: account.customerId }).waitFor();
      await operator.getByRole('link', { name: 'Channels' }).click();
      const row = operator.locator(`tr[data-channel-id="${channelId}"]`);
      await row.getByRole('button', { name: 'Disable' }).click();
      await row.locator('.badge[data-status="disabled_by_admin"]').waitFor();
      await page.waitForSelector('h1 .badge[data-status="disabled_by_admin"]');
      await page.waitForSelector('#timeline li[data-to="disabled_by_admin"]');
      await row.getByRole('button', { name: 'Enable' }).click();
      await row.locator('.badge[data-status="pending"]').waitFor();

      // The Workers tab lists this gateway's process, live.
      await operator.getByRole('link', { name: 'Workers' }).click();
      const worker = operator.locator(`tr[data-worker-id="${ctx.gw.app.get<string>(WORKER_ID)}"]`);
      await worker.locator('.badge[data-status="live"]').waitFor();
    } finally {
      await operator.close();
    }
  });

  it('signs out, forgetting the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(account.key);
  });

  it('signs out by itself once its key is revoked', async () => {
    const other = await ctx.gw.newKey({ customerId: account.customerId });
    await page.getByLabel('API key or operator token').fill(other.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await ctx.http.post(`/v1/api-keys/${other.id}/revoke`).set('Authorization', `Bearer ${account.key}`).expect(200);
    // Whichever notices first signs out: the next call, refused with 401, or the live stream, which the gateway
    // ends for a revoked key within seconds (so the link may be gone before it is clicked).
    const signIn = page.getByRole('heading', { name: 'Sign in' });
    await Promise.race([
      page
        .getByRole('link', { name: 'Usage' })
        .click({ timeout: 10_000 })
        .catch(() => signIn.waitFor()),
      signIn.waitFor(),
    ]);
    await signIn.waitFor();
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(other.key);
  });
});
