import { get } from '../api.js';
import { barChart, bucketize } from '../chart.js';
import { h, mount } from '../dom.js';

const DAY = 86_400_000;
const DAYS = 14;
const MESSAGE_PAGES = 10;

/** Every channel of the account, page after page (a plan may allow more than one page holds). */
async function countChannels() {
  let count = 0;
  let cursor;
  for (;;) {
    const page = await get('/v1/channels', { limit: 100, cursor });
    count += page.data.length;
    if (!page.has_more) return count;
    cursor = page.next_cursor;
  }
}

/** The rate-limit budget, channels against the plan, and messages per day over two weeks. */
export async function usagePage({ root }) {
  const [limits, channelCount] = await Promise.all([get('/v1/limits'), countChannels()]);
  const since = new Date(Date.now() - DAYS * DAY).toISOString();
  const messages = [];
  let cursor;
  let more = false;
  // The latest 1,000 messages at most: enough for a chart (the history itself is on each channel's page); a busier
  // account's earlier days are then left out, and the heading says so.
  for (let i = 0; i < MESSAGE_PAGES; i++) {
    const page = await get('/v1/messages', { limit: 100, since, cursor });
    messages.push(...page.data);
    more = page.has_more;
    if (!more) break;
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
        h('p', {}, `${channelCount} of ${limits.channel_limit} channels on the ${limits.plan} plan.`),
        meter(channelCount, Math.max(1, limits.channel_limit), 'Channels used'),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'h2',
        {},
        more
          ? `Messages per day (the latest ${messages.length}; ${DAYS} days hold more)`
          : `Messages per day (${messages.length} in ${DAYS} days)`,
      ),
      barChart(buckets, ['ok', 'inbound'], 'Messages per day'),
      h('p', { class: 'legend' }, h('span', { class: 'key-ok' }, 'sent'), h('span', { class: 'key-inbound' }, 'received')),
    ),
  );
}
