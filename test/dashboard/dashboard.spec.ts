import type { Browser, Page } from 'playwright-core';
import { WORKER_ID } from '../../src/engine/worker-id';
import { useTestContext } from '../support/context';
import { errorCode } from '../support/http';
import { eventually } from '../support/eventually';
import { newPhone } from '../support/phones';
import { launchBrowser, listen, webhookReceiver } from './support';

/**
 * What a page gets wrong for a phone or for assistive technology, read in the browser: a page wider than the
 * screen, a form control without an accessible name, text whose contrast with what is behind it is below WCAG
 * AA (4.5:1, or 3:1 for large text), opacity of the text and of its ancestors included.
 */
const PAGE_PROBLEMS = `(() => {
  const problems = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth + 1) problems.push('page scrolls sideways: ' + root.scrollWidth + 'px in ' + root.clientWidth + 'px');
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
    if (!visible(el) || el.type === 'hidden') continue;
    const name = (el.getAttribute('aria-label') || '').trim() ||
      [...(el.labels || [])].map((l) => l.textContent.trim()).join(' ') ||
      (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent.trim() : '');
    if (!name) problems.push('no accessible name: ' + el.outerHTML.slice(0, 120));
  }
  const rgba = (css) => {
    const p = css.match(/[\\d.]+/g).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255]);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || el.closest('svg')) continue;
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const fg = rgba(style.color);
    const bg = background(el);
    const shown = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const [a, b] = [luminance(shown), luminance(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': "' + text.slice(0, 40) + '" (' + style.color + ' on rgb(' + bg.map(Math.round) + '))');
  }
  return problems;
})()`;

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

  it('keeps the channels list current over the event stream: a channel paired elsewhere turns connected in place; the phone unlinks it', async () => {
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

    // The sandbox's phone removes the linked device: the channel is logged out, the reason on its page.
    await page.getByRole('link', { name: 'Paired by the API' }).click();
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    await page.getByRole('button', { name: 'Unlink this device from the phone' }).click();
    await page.waitForSelector('h1 .badge[data-status="logged_out"]');
    await page.waitForSelector('#timeline li[data-to="logged_out"]');
    await page.locator('[data-fact="Last disconnect reason"]').filter({ hasNotText: '—' }).waitFor();
  });

  it('pairs a channel with a pair code typed on a simulated phone, disconnects, reconnects and logs it out, renames it and deletes it, explaining the soft delete', async () => {
    await page.goto(`${base}/dashboard/#/channels`);
    await page.getByLabel('Channel name').fill('Paired by code');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/#\/channels\/[0-9a-f-]{36}$/);
    const byCode = page.url().split('/').pop()!;
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForSelector('img#qr[src^="data:image/png;base64,"]');
    const phone = newPhone();
    await page.getByLabel('Phone number').fill(phone);
    await page.getByRole('button', { name: 'Get a pair code' }).click();
    const code = await page.locator('#pair-code').textContent();
    expect(code?.replace('-', '')).toMatch(/^[A-Z0-9]{8}$/);
    await page.getByRole('button', { name: 'Enter it on the simulated phone' }).click();
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    await page.locator('[data-fact="Phone"]').filter({ hasText: phone }).waitFor();

    // Disconnect, connect again from the stored credentials (no QR), log out; then an action the state refuses.
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.waitForSelector('h1 .badge[data-status="stopped_by_user"]');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForSelector('h1 .badge[data-status="logged_out"]');
    await page.waitForSelector('#timeline li[data-to="logged_out"]');
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^invalid_lifecycle_transition: Cannot disconnect a channel that is logged_out/ })
      .waitFor();

    await page.getByLabel('New name').fill('Renamed line');
    // The answer itself, so a failure says whether the form was sent and what the API said.
    const renaming = page.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().endsWith(byCode));
    await page.getByRole('button', { name: 'Rename' }).click();
    const answer = await renaming;
    expect({ status: answer.status(), body: await answer.text() }).toEqual({
      status: 200,
      body: expect.stringContaining('"Renamed line"'),
    });
    await page.locator('#channel-name').filter({ hasText: 'Renamed line' }).waitFor();
    const renamed = await ctx.http.get(`/v1/channels/${byCode}`).set('Authorization', `Bearer ${account.key}`).expect(200);
    expect(renamed.body.name).toBe('Renamed line');

    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => resolve(dialog.message())));
    await page.getByRole('button', { name: 'Delete channel' }).click();
    expect(await asked).toMatch(/logged out.*stays readable/s);
    await page.waitForSelector('h1 .badge[data-status="deleted"]');
    await page.getByRole('status').filter({ hasText: 'channel_unavailable' }).waitFor();
    expect(await page.getByRole('button', { name: 'Connect', exact: true }).count()).toBe(0);
    const deleted = await ctx.http.get(`/v1/channels/${byCode}`).set('Authorization', `Bearer ${account.key}`).expect(200);
    expect(deleted.body.deleted_at).not.toBeNull();

    // Gone from the list, listed again on request.
    await page.getByRole('link', { name: 'Channels', exact: true }).first().click();
    await page.waitForSelector(`tr[data-channel-id="${channelId}"]`);
    expect(await page.locator(`tr[data-channel-id="${byCode}"]`).count()).toBe(0);
    await page.getByLabel('Show deleted channels').check();
    await page.waitForSelector(`tr[data-channel-id="${byCode}"] .badge[data-status="deleted"]`);

    // An API error is shown as its envelope's code and message, not as a blank page.
    await page.goto(`${base}/dashboard/#/channels/00000000-0000-4000-8000-000000000000`);
    await page
      .getByRole('alert')
      .filter({ hasText: /^channel_not_found: / })
      .waitFor();
  });

  it('sends a message and sees it in the history, then receives one live', async () => {
    await page.goto(`${base}/dashboard/#/channels/${channelId}`);
    await page.waitForSelector('h1 .badge[data-status="connected"]');
    const contact = newPhone();
    await page.getByLabel('To', { exact: true }).fill(contact);
    await page.getByLabel('Text', { exact: true }).fill('Hello from the dashboard');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = page.locator('#history tbody tr').filter({ hasText: 'Hello from the dashboard' });
    await sent.waitFor();
    const messageId = await sent.getAttribute('data-message-id');
    // Live from the stream: the message leaves the queue (the contact's phone may already have confirmed it).
    await page.locator(`#history tr[data-message-id="${messageId}"] .badge:is([data-status="sent"], [data-status="delivered"])`).waitFor();
    // The contact reads it: the receipt arrives live in the history.
    await page.getByLabel('Message id').fill(messageId!);
    await page.getByLabel('Receipt').selectOption('read');
    await page.getByRole('button', { name: 'Report receipt' }).click();
    await page.locator(`#history tr[data-message-id="${messageId}"] .badge[data-status="read"]`).waitFor();

    await page.getByLabel('From').fill(contact);
    await page.getByLabel('Inbound text').fill('A reply, live');
    await page.getByRole('button', { name: 'Receive' }).click();
    await page.locator('#history td').filter({ hasText: 'A reply, live' }).waitFor();
    await page
      .locator('#chats td')
      .filter({ hasText: contact.slice(1) })
      .first()
      .waitFor();
    // The contact is learnt from its message.
    await page
      .locator('#contacts td')
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
      await page.waitForURL(/#\/webhooks\/[^/]+$/);
      const webhookId = page.url().split('/').pop()!;
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

      await page.getByLabel('Description').fill('Order service');
      await page.getByRole('button', { name: 'Save' }).click();
      await eventually(
        async () => (await ctx.http.get(`/v1/webhooks/${webhookId}`).set('Authorization', `Bearer ${account.key}`)).body.description,
        (description) => description === 'Order service',
      );
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = await page.locator('input[data-secret]').inputValue();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);

      await page.getByRole('button', { name: 'Disable' }).click();
      await page.locator('#app .badge[data-status="disabled"]').first().waitFor();
    } finally {
      await receiver.close();
    }
  });

  it("shows a failing endpoint's attempts with their error, and its retried delivery in the chart", async () => {
    // A receiver that is gone: the port refuses connections.
    const gone = await webhookReceiver();
    await gone.close();
    const endpoint = await ctx.http.post('/v1/webhooks').set('Authorization', `Bearer ${account.key}`).send({ url: gone.url }).expect(201);
    await page.goto(`${base}/dashboard/#/webhooks/${endpoint.body.id}`);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Filter' }).click();
        return page.locator('#deliveries tr[data-delivery-id] td').nth(3).textContent();
      },
      (attempts) => Number(attempts) >= 1,
      TIMEOUT,
      300,
    );
    await page.locator('svg.chart rect.bar-pending, svg.chart rect.bar-failed').first().waitFor();
    await page.locator('#deliveries [data-action="attempts"]').first().click();
    const attempt = page.locator('#delivery-detail tr[data-attempt]').first();
    await attempt.locator('.badge').filter({ hasNotText: 'succeeded' }).waitFor();
    expect(await attempt.locator('td').last().textContent()).not.toBe('—');
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

  it("lets the operator create a customer and its key, see the plans, disable a channel while the customer's page shows it live, and see the workers", async () => {
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

      // A new customer, then a key for it from its Keys link, shown once, then revoked.
      await operator.getByLabel('Customer name').fill('Globex');
      await operator.getByRole('button', { name: 'Create customer' }).click();
      const globex = operator.locator('#customer-list tr').filter({ hasText: 'Globex' });
      await globex.getByRole('link', { name: 'Keys' }).click();
      await operator.getByRole('heading', { name: /^Keys of cus_/ }).waitFor();
      await operator.getByLabel('Key name').fill('first');
      await operator.getByRole('button', { name: 'Create key' }).click();
      const globexKey = await operator.locator('input[data-secret]').inputValue();
      expect(globexKey).toMatch(/^zpk_test_[A-Za-z0-9]{32}$/);
      await ctx.http.get('/v1/limits').set('Authorization', `Bearer ${globexKey}`).expect(200);
      const keyRow = operator.locator('#operator-keys tr').filter({ hasText: globexKey.slice(0, 15) });
      await keyRow.getByRole('button', { name: 'Revoke' }).click();
      await keyRow.locator('.badge[data-status="revoked"]').waitFor();
      await ctx.http.get('/v1/limits').set('Authorization', `Bearer ${globexKey}`).expect(401);
      await operator.getByRole('link', { name: 'Plans' }).click();
      await operator
        .locator('td')
        .filter({ hasText: /^unlimited$/ })
        .first()
        .waitFor();
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

  it('fits a phone-sized screen, labels every control, keeps text readable, and signs in from the keyboard', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      phone.setDefaultTimeout(TIMEOUT);
      const signIn = async (token: string, heading: string) => {
        await phone.goto(`${base}/dashboard/`);
        // The token field has the focus: typing and Enter sign in, no pointer needed.
        await phone.getByRole('heading', { name: 'Sign in' }).waitFor();
        await phone.keyboard.type(token);
        await phone.keyboard.press('Enter');
        await phone.getByRole('heading', { name: heading }).waitFor();
      };
      // Each page, and what shows it has loaded its data.
      const pages: Array<[string, string]> = [
        ['#/channels', '#channel-list table'],
        [`#/channels/${channelId}`, '#history table'],
        ['#/webhooks', '#webhook-list table'],
        ['#/keys', '#key-list table'],
        ['#/usage', 'svg.chart rect'],
      ];
      const operatorPages: Array<[string, string]> = [
        ['#/operator/customers', '#customer-list table'],
        ['#/operator/channels', '#operator-channels table'],
        ['#/operator/keys', '#operator-keys table'],
        ['#/operator/plans', 'main table'],
        ['#/operator/workers', '#operator-workers table'],
      ];
      const problems: unknown[] = [];
      const check = async (hash: string, loaded: string) => {
        await phone.goto(`${base}/dashboard/${hash}`);
        await phone.locator(loaded).first().waitFor();
        const found = await phone.evaluate<string[]>(PAGE_PROBLEMS);
        if (found.length > 0) problems.push({ page: hash, found });
      };
      await signIn(account.key, 'Channels');
      for (const [hash, heading] of pages) await check(hash, heading);
      await phone.getByRole('button', { name: 'Sign out' }).click();
      await signIn(ctx.gw.adminToken, 'Customers');
      for (const [hash, heading] of operatorPages) await check(hash, heading);
      expect(problems).toEqual([]);
    } finally {
      await phone.close();
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

  it('counts every channel of an account on the Usage page, past the first page of the list', async () => {
    const busy = await ctx.newAccount({ plan: 'unlimited' });
    for (let i = 0; i < 101; i++) {
      await ctx.http
        .post('/v1/channels')
        .set('Authorization', `Bearer ${busy.key}`)
        .send({ name: `Line ${i}` })
        .expect(201);
    }
    const other = await browser.newPage();
    try {
      other.setDefaultTimeout(TIMEOUT);
      await other.goto(`${base}/dashboard/`);
      await other.getByLabel('API key or operator token').fill(busy.key);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByRole('link', { name: 'Usage' }).click();
      await other
        .locator('#channel-usage')
        .filter({ hasText: /^Channels101 of \d+ channels/ })
        .waitFor();
    } finally {
      await other.close();
    }
  });
});
