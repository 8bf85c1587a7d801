import { api, get } from '../api.js';
import { attempt, badge, fields, h, mount, secretBox, table, when } from '../dom.js';

/** The endpoints, and a form to register one; its signing secret is shown once. */
export async function webhooksPage({ root }) {
  const list = h('div', { id: 'webhook-list' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    {
      class: 'stack',
      id: 'webhook-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const values = fields(form);
        const body = {
          url: values.url,
          events: values.events
            ? values.events
                .split(',')
                .map((e) => e.trim())
                .filter(Boolean)
            : undefined,
          channel_id: values.channel_id,
          description: values.description,
        };
        const created = await attempt(status, () => api('POST', '/v1/webhooks', body));
        if (created) {
          form.reset();
          mount(
            status,
            secretBox(`Signing secret of ${created.url}`, created.secret),
            h('p', {}, h('a', { href: `#/webhooks/${created.id}` }, 'Open the endpoint')),
          );
          await load();
        }
      },
    },
    h('label', {}, 'URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/whatisup' })),
    h('label', {}, 'Events (comma-separated; * for all)', h('input', { name: 'events', placeholder: '*' })),
    h('label', {}, 'Only this channel (optional)', h('input', { name: 'channel_id', placeholder: 'channel id' })),
    h('label', {}, 'Description', h('input', { name: 'description' })),
    h('button', { type: 'submit', class: 'primary' }, 'Add endpoint'),
  );
  const load = async () => {
    const page = await get('/v1/webhooks', { limit: 100 });
    mount(
      list,
      table(
        [
          ['URL', (w) => h('a', { href: `#/webhooks/${w.id}` }, w.url)],
          ['Events', (w) => w.events.join(', ')],
          ['Channel', (w) => w.channel_id ?? 'all'],
          ['State', (w) => badge(w.enabled ? 'enabled' : w.disabled_reason ? `disabled_${w.disabled_reason}` : 'disabled')],
          ['Created', (w) => when(w.created_at)],
        ],
        page.data,
        'No endpoints yet.',
        (w) => ({ 'data-webhook-id': w.id }),
      ),
    );
  };
  mount(
    root,
    h('h1', {}, 'Webhooks'),
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Endpoints'), list),
      h('section', { class: 'card' }, h('h2', {}, 'New endpoint'), form, status),
    ),
  );
  await load();
}
