import { get } from '../api.js';
import { barChart, bucketize } from '../chart.js';
import { h, mount } from '../dom.js';

const DAY = 86_400_000;
const DAYS = 14;

/** The rate-limit budget, channels against the plan, and messages per day over two weeks. */
export async function usagePage({ root }) {
  const [limits, channels] = await Promise.all([get('/v1/limits'), get('/v1/channels', { limit: 100 })]);
  const since = new Date(Date.now() - DAYS * DAY).toISOString();
  const messages = [];
  let cursor;
  // Up to 1000 messages: enough for a chart; the history itself is on each channel's page.
  for (let i = 0; i < 10; i++) {
    const page = await get('/v1/messages', { limit: 100, since, cursor });
    messages.push(...page.data);
    if (!page.has_more) break;
    cursor = page.next_cursor;
  }
  const rl = limits.rate_limit;
  const meter = (value, max, label) => h('meter', { min: 0, max, value, 'aria-label': label });
  const buckets = bucketize(
    messages,
    (m) => m.created_at,
    (m) => (m.direction === 'inbound' ? 1 : 0),
    2,
    DAYS,
    DAY,
    (t) => `${t.getMonth() + 1}/${t.getDate()}`,
  );
  mount(
    root,
    h('h1', {}, 'Usage'),
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card', id: 'rate-limit' },
        h('h2', {}, 'Rate limit'),
        h('p', {}, `${rl.remaining} of ${rl.limit} requests left, refilling ${rl.refill_per_second}/s (full in ${rl.reset_seconds} s).`),
        meter(rl.remaining, rl.limit, 'Requests left'),
      ),
      h(
        'section',
        { class: 'card', id: 'channel-usage' },
        h('h2', {}, 'Channels'),
        h('p', {}, `${channels.data.length} of ${limits.channel_limit} channels on the ${limits.plan} plan.`),
        meter(channels.data.length, Math.max(1, limits.channel_limit), 'Channels used'),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Messages per day (${messages.length} in ${DAYS} days)`),
      barChart(buckets, ['ok', 'inbound'], 'Messages per day'),
      h('p', { class: 'legend' }, h('span', { class: 'key-ok' }, 'sent'), h('span', { class: 'key-inbound' }, 'received')),
    ),
  );
}
