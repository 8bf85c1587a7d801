import { api, get } from '../api.js';
import { barChart, bucketize } from '../chart.js';
import { attempt, badge, fields, h, mount, notice, secretBox, table, when } from '../dom.js';

const HOUR = 3600_000;

/** One endpoint: edit, rotate, disable, test; its delivery log with every attempt, replay, and a chart. */
export async function webhookPage({ root, params: [webhookId], onEvent }) {
  let endpoint = await api('GET', `/v1/webhooks/${webhookId}`);
  const status = h('div', { class: 'status' });
  const editBox = h('div');
  const log = h('div', { id: 'deliveries' });
  const chart = h('div', { class: 'chart-box', id: 'delivery-chart' });
  const detail = h('div', { id: 'delivery-detail' });

  const patch = async (body) => {
    endpoint = await api('PATCH', `/v1/webhooks/${webhookId}`, body);
    renderEdit();
  };
  const renderEdit = () => {
    const form = h(
      'form',
      {
        class: 'stack',
        onsubmit: async (event) => {
          event.preventDefault();
          const v = fields(form);
          await attempt(status, () =>
            patch({
              url: v.url,
              events: v.events
                .split(',')
                .map((e) => e.trim())
                .filter(Boolean),
              description: v.description ?? null,
            }),
          );
        },
      },
      h('label', {}, 'URL', h('input', { name: 'url', type: 'url', required: true, value: endpoint.url })),
      h('label', {}, 'Events', h('input', { name: 'events', required: true, value: endpoint.events.join(', ') })),
      h('label', {}, 'Description', h('input', { name: 'description', value: endpoint.description ?? '' })),
      h('button', { type: 'submit' }, 'Save'),
    );
    mount(
      editBox,
      h(
        'p',
        {},
        badge(endpoint.enabled ? 'enabled' : 'disabled'),
        ' ',
        endpoint.channel_id ? `channel ${endpoint.channel_id}` : 'every channel',
      ),
      form,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', 'data-action': 'toggle', onclick: () => attempt(status, () => patch({ enabled: !endpoint.enabled })) },
          endpoint.enabled ? 'Disable' : 'Enable',
        ),
        h(
          'button',
          {
            type: 'button',
            'data-action': 'rotate',
            onclick: () =>
              attempt(status, async () => {
                const rotated = await api('POST', `/v1/webhooks/${webhookId}/rotate-secret`, {});
                mount(status, secretBox('New signing secret (the previous one keeps signing for 24 h)', rotated.secret));
              }),
          },
          'Rotate secret',
        ),
        h(
          'button',
          {
            type: 'button',
            'data-action': 'test',
            onclick: () =>
              attempt(status, async () => {
                await api('POST', `/v1/webhooks/${webhookId}/test`, {});
                mount(status, notice('A webhook.test event is on its way.'));
                setTimeout(() => void loadLog(), 800);
              }),
          },
          'Send a test event',
        ),
      ),
    );
  };

  const showDelivery = async (deliveryId) => {
    const d = await api('GET', `/v1/webhook-deliveries/${deliveryId}`);
    mount(
      detail,
      h('h3', {}, `${d.event} · ${d.id}`),
      table(
        [
          ['#', (a) => String(a.number)],
          ['Started', (a) => when(a.started_at)],
          ['Outcome', (a) => badge(a.outcome ?? 'in_flight')],
          ['Status', (a) => (a.status_code === null ? '—' : String(a.status_code))],
          ['Latency', (a) => (a.latency_ms === null ? '—' : `${a.latency_ms} ms`)],
          ['Error', (a) => a.error ?? '—'],
        ],
        d.attempts,
        'No attempt yet.',
        () => ({ 'data-attempt': '' }),
      ),
      h('pre', { class: 'payload' }, JSON.stringify(d.payload, null, 2)),
    );
  };

  const filter = h(
    'form',
    { class: 'inline filters', onsubmit: (event) => (event.preventDefault(), void loadLog()) },
    h(
      'select',
      { name: 'status', 'aria-label': 'Delivery status' },
      h('option', { value: '' }, 'any status'),
      ['pending', 'delivered', 'failed'].map((s) => h('option', {}, s)),
    ),
    h('input', { name: 'event', placeholder: 'event type', 'aria-label': 'Event type' }),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const loadLog = async () => {
    const page = await get(`/v1/webhooks/${webhookId}/deliveries`, { ...fields(filter), limit: 100 });
    mount(
      log,
      table(
        [
          ['Created', (d) => when(d.created_at)],
          ['Event', (d) => d.event],
          ['Status', (d) => badge(d.status)],
          ['Attempts', (d) => String(d.attempt_count)],
          ['Last answer', (d) => (d.last_status_code === null ? (d.last_error ?? '—') : String(d.last_status_code))],
          [
            '',
            (d) => [
              h(
                'button',
                { type: 'button', class: 'link', 'data-action': 'attempts', onclick: () => attempt(status, () => showDelivery(d.id)) },
                'Attempts',
              ),
              d.status === 'pending'
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      'data-action': 'replay',
                      onclick: () =>
                        attempt(status, async () => {
                          await api('POST', `/v1/webhook-deliveries/${d.id}/replay`, {});
                          mount(status, notice(`Replaying ${d.id}.`));
                          setTimeout(() => void Promise.all([loadLog(), showDelivery(d.id)]), 800);
                        }),
                    },
                    'Replay',
                  ),
            ],
          ],
        ],
        page.data,
        'No deliveries yet.',
        (d) => ({ 'data-delivery-id': d.id, 'data-status': d.status }),
      ),
    );
    const buckets = bucketize(
      page.data,
      (d) => d.created_at,
      (d) => (d.status === 'failed' ? 1 : d.status === 'pending' ? 2 : 0),
      3,
      24,
      HOUR,
      (t) => `${t.getHours()}h`,
    );
    mount(
      chart,
      barChart(buckets, ['ok', 'failed', 'pending'], 'Deliveries per hour, last 24 h'),
      h(
        'p',
        { class: 'legend' },
        h('span', { class: 'key-ok' }, 'delivered'),
        h('span', { class: 'key-failed' }, 'failed'),
        h('span', { class: 'key-pending' }, 'pending'),
      ),
    );
  };

  mount(
    root,
    h('h1', {}, h('a', { href: '#/webhooks', class: 'muted' }, 'Webhooks'), ' / ', endpoint.url),
    status,
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Endpoint'), editBox),
      h('section', { class: 'card' }, h('h2', {}, 'Deliveries over time'), chart),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Delivery log'), filter, log, detail),
  );
  renderEdit();
  await loadLog();
  let reload = null;
  onEvent(() => {
    clearTimeout(reload);
    reload = setTimeout(() => void loadLog(), 1000);
  });
}
