import { api, credential, get } from '../api.js';
import { attempt, badge, fields, h, mount, notice, secretBox, table, when } from '../dom.js';

/** This customer's API keys (prefix only); create one (secret shown once), revoke. */
export async function keysPage({ root }) {
  const mode = credential().token.startsWith('zpk_live_') ? 'live' : 'test';
  const list = h('div', { id: 'key-list' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    {
      class: 'stack',
      id: 'key-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const v = fields(form);
        const body = {
          mode: v.mode,
          name: v.name,
          channel_id: v.channel_id,
          expires_at: v.expires_at ? new Date(v.expires_at).toISOString() : undefined,
        };
        const created = await attempt(status, () => api('POST', '/v1/api-keys', body));
        if (created) {
          form.reset();
          mount(status, secretBox(`New ${created.mode} key ${created.prefix}…`, created.key));
          await load();
        }
      },
    },
    h('label', {}, 'Name', h('input', { name: 'name', maxlength: 100, placeholder: 'CI, backend, …' })),
    h('label', {}, 'Mode', h('select', { name: 'mode' }, h('option', { value: mode }, mode))),
    h('label', {}, 'Only this channel (optional)', h('input', { name: 'channel_id', placeholder: 'channel id' })),
    h('label', {}, 'Expires (optional)', h('input', { name: 'expires_at', type: 'datetime-local' })),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
    h('p', { class: 'muted' }, 'A key creates keys of its own mode only, and never one that outlives it.'),
  );
  const load = async () => {
    try {
      const page = await get('/v1/api-keys', { limit: 100 });
      mount(
        list,
        table(
          [
            ['Prefix', (k) => h('code', {}, `${k.prefix}…`)],
            ['Name', (k) => k.name ?? '—'],
            ['Channel', (k) => k.channel_id ?? 'all'],
            ['Status', (k) => badge(k.status)],
            ['Expires', (k) => (k.expires_at ? when(k.expires_at) : 'never')],
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
                        'data-action': 'revoke',
                        onclick: () =>
                          attempt(status, async () => {
                            if (!confirm(`Revoke ${k.prefix}…? Calls made with it will be refused.`)) return;
                            await api('POST', `/v1/api-keys/${k.id}/revoke`);
                            mount(status, notice(`${k.prefix}… revoked.`));
                            await load();
                          }),
                      },
                      'Revoke',
                    )
                  : null,
            ],
          ],
          page.data,
          'No keys.',
          (k) => ({ 'data-key-id': k.id, 'data-prefix': k.prefix }),
        ),
      );
    } catch (error) {
      mount(list, notice(`${error.code}: ${error.message}`, 'error'));
    }
  };
  mount(
    root,
    h('h1', {}, 'API keys'),
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Keys'), list),
      h('section', { class: 'card' }, h('h2', {}, 'New key'), form, status),
    ),
  );
  await load();
}
