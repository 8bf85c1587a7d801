import { api, get } from '../api.js';
import { attempt, badge, fields, h, mount, notice, secretBox, table, when } from '../dom.js';

/** The operator's pages (signed in with ADMIN_TOKEN): customers, channels of every customer, keys, plans, workers. */
export async function operatorPage(context) {
  const tab = context.params[0] ?? 'customers';
  const pages = { customers, channels, keys, plans, workers };
  return (pages[tab] ?? customers)(context);
}

async function customers({ root }) {
  const list = h('div', { id: 'customer-list' });
  const status = h('div', { class: 'status' });
  const plansList = await get('/v1/admin/plans');
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault();
        if (await attempt(status, () => api('POST', '/v1/admin/customers', fields(form)))) {
          form.reset();
          await load();
        }
      },
    },
    h('input', { name: 'name', required: true, placeholder: 'Customer name', 'aria-label': 'Customer name' }),
    h(
      'select',
      { name: 'plan', 'aria-label': 'Plan' },
      plansList.data.map((p) => h('option', { value: p.id }, p.name)),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Create customer'),
  );
  const load = async () => {
    const page = await get('/v1/admin/customers', { limit: 100 });
    mount(
      list,
      table(
        [
          ['Name', (c) => c.name],
          ['Id', (c) => h('code', {}, c.id)],
          ['Plan', (c) => c.plan],
          ['Created', (c) => when(c.created_at)],
          ['', (c) => h('a', { href: `#/operator/keys?customer=${c.id}` }, 'Keys')],
        ],
        page.data,
        'No customers.',
      ),
    );
  };
  mount(root, h('h1', {}, 'Customers'), form, status, list);
  await load();
}

async function channels({ root }) {
  const list = h('div', { id: 'operator-channels' });
  const status = h('div', { class: 'status' });
  const load = async () => {
    const page = await get('/v1/admin/channels', { limit: 100 });
    const toggle = (c) => {
      const disabled = c.status === 'disabled_by_admin';
      return h(
        'button',
        {
          type: 'button',
          class: disabled ? '' : 'danger',
          'data-action': disabled ? 'enable' : 'disable',
          onclick: () =>
            attempt(status, async () => {
              await api('POST', `/v1/admin/channels/${c.id}/${disabled ? 'enable' : 'disable'}`);
              mount(status, notice(`${c.name} ${disabled ? 'enabled' : 'disabled'}.`));
              await load();
            }),
        },
        disabled ? 'Enable' : 'Disable',
      );
    };
    mount(
      list,
      table(
        [
          ['Name', (c) => c.name],
          ['Customer', (c) => h('code', {}, c.customer_id)],
          ['Mode', (c) => c.mode],
          ['Status', (c) => badge(c.status)],
          ['Since', (c) => when(c.status_since)],
          ['Worker', (c) => c.worker_id ?? '—'],
          ['', toggle],
        ],
        page.data,
        'No channels.',
        (c) => ({ 'data-channel-id': c.id }),
      ),
    );
  };
  mount(root, h('h1', {}, 'Channels of every customer'), status, list);
  await load();
}

async function keys({ root }) {
  const customer = new URLSearchParams(location.hash.split('?')[1] ?? '').get('customer') ?? '';
  const list = h('div', { id: 'operator-keys' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault();
        const created = await attempt(status, () => api('POST', '/v1/admin/keys', fields(form)));
        if (created) {
          mount(status, secretBox(`New ${created.mode} key of ${created.customer_id}`, created.key));
          await load();
        }
      },
    },
    h('input', { name: 'customer_id', required: true, placeholder: 'cus_…', value: customer, 'aria-label': 'Customer id' }),
    h('select', { name: 'mode', 'aria-label': 'Mode' }, h('option', {}, 'test'), h('option', {}, 'live')),
    h('input', { name: 'name', placeholder: 'name', 'aria-label': 'Key name' }),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );
  const load = async () => {
    const page = await get('/v1/admin/keys', { limit: 100, customer_id: customer || undefined });
    mount(
      list,
      table(
        [
          ['Prefix', (k) => h('code', {}, `${k.prefix}…`)],
          ['Customer', (k) => h('code', {}, k.customer_id)],
          ['Channel', (k) => k.channel_id ?? 'all'],
          ['Status', (k) => badge(k.status)],
          ['Last used', (k) => when(k.last_used_at)],
          [
            '',
            (k) =>
              k.status === 'active'
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'link danger',
                      onclick: () => attempt(status, async () => (await api('POST', `/v1/admin/keys/${k.id}/revoke`)) && load()),
                    },
                    'Revoke',
                  )
                : null,
          ],
        ],
        page.data,
        'No keys.',
      ),
    );
  };
  mount(root, h('h1', {}, customer ? `Keys of ${customer}` : 'API keys'), form, status, list);
  await load();
}

async function plans({ root }) {
  const page = await get('/v1/admin/plans');
  mount(
    root,
    h('h1', {}, 'Plans'),
    table(
      [
        ['Id', (p) => h('code', {}, p.id)],
        ['Name', (p) => p.name],
        ['Channels', (p) => String(p.channel_limit)],
        ['Rate limit', (p) => `${p.rate_limit.burst} burst, ${p.rate_limit.per_second}/s`],
        ['Media', (p) => (p.media_max_bytes === null ? 'gateway limit' : `${Math.round(p.media_max_bytes / 1024 / 1024)} MiB`)],
      ],
      page.data,
      'No plans.',
    ),
    h('p', { class: 'muted' }, 'Plans are created and changed with PUT /v1/admin/plans/{planId} or the operator CLI.'),
  );
}

async function workers({ root }) {
  const list = h('div', { id: 'operator-workers' });
  const status = h('div', { class: 'status' });
  const load = async () => {
    const page = await get('/v1/admin/workers');
    mount(
      list,
      table(
        [
          ['Worker', (w) => h('code', {}, w.id)],
          ['Role', (w) => w.role],
          ['Host', (w) => `${w.hostname} (pid ${w.pid})`],
          ['Version', (w) => w.version],
          ['Sessions', (w) => `${w.sessions} / ${w.capacity}`],
          ['Channels', (w) => String(w.channels)],
          ['Started', (w) => when(w.started_at)],
          ['Last heartbeat', (w) => when(w.last_heartbeat)],
          ['', (w) => badge(w.stale ? 'stale' : 'live')],
        ],
        page.data,
        'No worker has sent a heartbeat lately.',
        (w) => ({ 'data-worker-id': w.id }),
      ),
    );
  };
  const refresh = h('button', { type: 'button', onclick: () => attempt(status, load) }, 'Refresh');
  mount(
    root,
    h('h1', {}, 'Workers'),
    h(
      'p',
      { class: 'muted' },
      'The gateway processes that sent a heartbeat lately. Sessions are what each one reports holding; channels are those the database says it holds. A stale worker missed two heartbeats and disappears after the third.',
    ),
    refresh,
    status,
    list,
  );
  await load();
}
