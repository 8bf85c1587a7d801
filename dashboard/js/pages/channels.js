import { api, get } from '../api.js';
import { attempt, badge, fields, h, mount, table, when } from '../dom.js';

/** The channels of this key, kept current by the live stream; create a channel and go pair it. */
export async function channelsPage({ root, onEvent }) {
  const list = h('div', { id: 'channel-list' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault();
        const created = await attempt(status, () => api('POST', '/v1/channels', fields(form)));
        if (created) location.hash = `#/channels/${created.id}`;
      },
    },
    h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'Channel name', 'aria-label': 'Channel name' }),
    h('button', { type: 'submit', class: 'primary' }, 'Create channel'),
  );
  // Deleted channels are soft-deleted: still readable, listed only on request.
  const showDeleted = h('input', { type: 'checkbox', id: 'show-deleted', onchange: () => void load() });
  mount(root, h('h1', {}, 'Channels'), form, status, h('p', {}, h('label', {}, showDeleted, ' Show deleted channels')), list);

  /** @type {Map<string, any>} */
  const channels = new Map();
  const render = () =>
    mount(
      list,
      table(
        [
          ['Name', (c) => h('a', { href: `#/channels/${c.id}` }, c.name)],
          ['Status', (c) => (c.deleted_at ? [badge(c.status), ' ', badge('deleted')] : badge(c.status))],
          ['Since', (c) => when(c.status_since)],
          ['Phone', (c) => c.phone_number ?? '—'],
          ['Mode', (c) => c.mode],
        ],
        [...channels.values()],
        'No channels yet: create one to pair a WhatsApp account.',
        (c) => ({ 'data-channel-id': c.id }),
      ),
    );
  const load = async () => {
    const page = await get('/v1/channels', { limit: 100, include_deleted: showDeleted.checked || undefined });
    channels.clear();
    for (const channel of page.data) channels.set(channel.id, channel);
    render();
  };
  onEvent((event) => {
    if (event.type !== 'channel.state_changed') return;
    const channel = channels.get(event.data.channel_id);
    if (!channel) return void load();
    channel.status = event.data.payload.to;
    channel.status_since = event.data.payload.since;
    render();
    if (event.data.payload.to === 'connected') void load(); // the phone number arrives with it
  });
  await load();
}
