import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { newPhone } from '../support/phones';
import { PROJECT_ROOT } from '../support/processes';
import { launchBrowser, listen, webhookReceiver } from './support';

/**
 * Renders docs/dashboard/*.png from a real gateway with some traffic. Not part of the suite: run it with
 * `DASHBOARD_SCREENSHOTS=1 npx jest test/dashboard/screenshots.spec.ts --runInBand` after changing a page.
 */
const run = process.env.DASHBOARD_SCREENSHOTS === '1' ? describe : describe.skip;

run('Dashboard screenshots', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  const out = path.join(PROJECT_ROOT, 'docs', 'dashboard');
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(out, { recursive: true });
    base = await listen(ctx);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(30_000);
  });
  afterAll(() => browser?.close());

  const shot = async (name: string) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  };

  it('renders every page', async () => {
    const receiver = await webhookReceiver();
    try {
      const paired = await ctx.newChannel({ paired: true, name: 'Sales', plan: 'pro' });
      const auth = bearer(paired.key);
      const contact = newPhone();
      await ctx.http.post('/v1/webhooks').set(auth).send({ url: receiver.url, description: 'Order service' }).expect(201);
      for (let i = 0; i < 3; i++) {
        await ctx.http
          .post(`/v1/channels/${paired.id}/messages`)
          .set(auth)
          .send({ type: 'text', to: contact, text: `Order #${1040 + i} has shipped` })
          .expect(202);
        await ctx.http
          .post(`/v1/sandbox/channels/${paired.id}/inbound`)
          .set(auth)
          .send({ from: contact, type: 'text', text: `Thanks! (${i + 1})` })
          .expect(202);
      }

      await page.goto(`${base}/dashboard/`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shot('sign-in');
      await page.getByLabel('API key or operator token').fill(paired.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Channels' }).waitFor();
      await page.getByLabel('Channel name').fill('Support');
      await page.getByRole('button', { name: 'Create channel' }).click();
      await page.waitForURL(/#\/channels\/[0-9a-f-]{36}$/);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.waitForSelector('img#qr[src^="data:image/png;base64,"]');
      await shot('pairing');
      await page.getByRole('link', { name: 'Channels', exact: true }).first().click();
      await page.waitForSelector('.badge[data-status="qr"]');
      await shot('channels');

      await page.goto(`${base}/dashboard/#/channels/${paired.id}`);
      await page.waitForSelector('#history td');
      await page.waitForSelector('#timeline li');
      await shot('channel');

      await page.getByRole('link', { name: 'Webhooks' }).click();
      await page.locator('tr[data-webhook-id] a').first().click();
      await page.getByRole('button', { name: 'Send a test event' }).click();
      await eventually(
        async () => receiver.received.length,
        (n) => n >= 3,
      );
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForSelector('#deliveries tr[data-status="delivered"]');
      await page.locator('#deliveries [data-action="attempts"]').first().click();
      await page.waitForSelector('#delivery-detail tr[data-attempt]');
      await shot('webhook');
      await page.locator('#nav').getByRole('link', { name: 'Webhooks' }).click();
      await page.waitForSelector('tr[data-webhook-id]');
      await shot('webhooks');

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.locator('#key-form').getByLabel('Name').fill('backend');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.waitForSelector('input[data-secret]');
      await shot('api-keys');

      await page.getByRole('link', { name: 'Usage' }).click();
      await page.waitForSelector('svg.chart rect');
      await shot('usage');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/dashboard/#/channels/${paired.id}`);
      await page.waitForSelector('#history td');
      await shot('phone-channel');
      await page.setViewportSize({ width: 1280, height: 860 });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key or operator token').fill(ctx.gw.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Customers' }).waitFor();
      await page.waitForSelector('#customer-list td');
      await shot('operator-customers');
      await page.locator('#nav').getByRole('link', { name: 'Channels' }).click();
      await page.waitForSelector('#operator-channels td');
      await shot('operator-channels');
      await page.getByRole('link', { name: 'Keys' }).click();
      await page.waitForSelector('#operator-keys td');
      await shot('operator-keys');
      await page.getByRole('link', { name: 'Plans' }).click();
      await page.waitForSelector('td');
      await shot('operator-plans');
      await page.getByRole('link', { name: 'Workers' }).click();
      await page.waitForSelector('#operator-workers td');
      await shot('operator-workers');

      // The same pages on a phone-sized screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#nav').getByRole('link', { name: 'Channels' }).click();
      await page.waitForSelector('#operator-channels td');
      await shot('phone-operator-channels');
    } finally {
      await receiver.close();
    }
  });
});
