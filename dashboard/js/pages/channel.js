import { api, follow, get } from '../api.js';
import { attempt, badge, fields, h, mount, notice, table, when } from '../dom.js';

const PAIRING = new Set(['pending', 'qr', 'connecting']);
const QR_POLL_MS = 2000;

/** One channel: its lifecycle, pairing, timeline, a test send, history, chats, contacts and sandbox actions. */
export async function channelPage({ root, signal, params: [channelId] }) {
  let channel = await api('GET', `/v1/channels/${channelId}`);
  const pairable = () => PAIRING.has(channel.status) && !channel.deleted_at;
  const header = h('div', { class: 'page-head' });
  const actionStatus = h('div', { class: 'status' });
  const statusBox = h('dl', { class: 'facts', id: 'channel-status' });
  const pairing = h('section', { class: 'card', id: 'pairing' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const history = h('div', { id: 'history' });
  const chats = h('div', { id: 'chats' });
  const contacts = h('div', { id: 'contacts' });
  const sandbox = h('section', { class: 'card', id: 'sandbox' });

  const act = (label, path, action) =>
    h(
      'button',
      {
        type: 'button',
        'data-action': action,
        onclick: () => attempt(actionStatus, async () => (await api('POST', `/v1/channels/${channelId}/${path}`)) && refresh()),
      },
      label,
    );

  // Deleting is a soft delete: the device is logged out and its credentials wiped, but the channel stays
  // readable with its history, so the page stays and says so; every other action is refused from then on.
  const remove = () =>
    attempt(actionStatus, async () => {
      if (
        !confirm(
          `Delete ${channel.name}? The device is logged out and its credentials are wiped. The channel stays readable ` +
            '(its page, messages, audit events and webhook deliveries), but it can never be connected again.',
        )
      )
        return;
      await api('DELETE', `/v1/channels/${channelId}`);
      await refresh();
    });
  // Refreshes overlap (an event stream update while a rename is answered): only the latest one started
  // renders, and a rename drops those under way, so an answer read before a change never paints over it.
  let refreshes = 0;
  const renameForm = h(
    'form',
    {
      class: 'inline',
      id: 'rename-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const renamed = await attempt(actionStatus, () => api('PATCH', `/v1/channels/${channelId}`, fields(renameForm)));
        if (renamed) {
          // shown at once from the answer; a refresh already on its way read the old name and is dropped (below)
          refreshes++;
          channel = { ...renamed, status: channel.status };
          renderHeader();
        }
      },
    },
    h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'New name', 'aria-label': 'New name' }),
    h('button', { type: 'submit' }, 'Rename'),
  );

  // The title re-renders on every refresh; the controls are built once and stay in place until the channel is
  // deleted. A refresh comes with every event of the channel's stream, and a control moved in the DOM between
  // the press and the release of a click loses that click.
  const title = h('h1');
  const controls = h('div', { class: 'page-controls' });
  header.append(title, controls);
  const actions = h(
    'div',
    { class: 'actions' },
    act('Connect', 'connect', 'connect'),
    act('Disconnect', 'disconnect', 'disconnect'),
    act('Log out', 'logout', 'logout'),
    renameForm,
    h('button', { type: 'button', class: 'danger', 'data-action': 'delete', onclick: remove }, 'Delete channel'),
  );
  const renderHeader = () => {
    mount(
      title,
      h('a', { href: '#/channels', class: 'muted' }, 'Channels'),
      ' / ',
      h('span', { id: 'channel-name' }, channel.name),
      ' ',
      badge(channel.status),
      channel.deleted_at ? [' ', badge('deleted')] : null,
    );
    if (!channel.deleted_at) {
      if (controls.firstChild !== actions) mount(controls, actions);
      return;
    }
    mount(
      controls,
      notice(
        `Deleted ${new Date(channel.deleted_at).toLocaleString()}: the device was logged out and its credentials wiped. ` +
          'The channel stays readable here and in the API (include_deleted=true on the list); any other action answers channel_unavailable.',
      ),
    );
  };

  const renderStatus = (s) =>
    mount(
      statusBox,
      [
        ['Status', badge(s.status)],
        ['Since', when(s.since)],
        ['Phone', s.phone_number ?? '—'],
        ['Last disconnect reason', s.reason ? `${s.reason.code ?? ''} ${s.reason.message ?? ''}`.trim() : '—'],
        ['Reconnect attempts', String(s.reconnect_attempts)],
        ['Worker', s.worker_id ?? '—'],
        ['Mode', channel.mode],
      ].map(([term, value]) => [h('dt', {}, term), h('dd', { 'data-fact': term }, value)]),
    );

  // Pairing: the QR refreshes as WhatsApp rotates it, with a countdown to its expiry; or a pair code.
  let qrTimer = null;
  let countdown = null;
  const qrImage = h('img', { id: 'qr', alt: 'QR code to scan with WhatsApp', width: 264, height: 264 });
  const qrExpiry = h('p', { class: 'muted', id: 'qr-countdown' });
  const pairStatus = h('div', { class: 'status' });
  const pollQr = async () => {
    clearTimeout(qrTimer);
    if (signal.aborted || !pairable()) return;
    try {
      const qr = await api('GET', `/v1/channels/${channelId}/qr`);
      if (qrImage.getAttribute('src') !== `data:image/png;base64,${qr.png_base64}`)
        qrImage.setAttribute('src', `data:image/png;base64,${qr.png_base64}`);
      qrImage.dataset.qr = qr.qr;
      clearInterval(countdown);
      const tick = () => {
        const left = Math.max(0, Math.round((Date.parse(qr.expires_at) - Date.now()) / 1000));
        qrExpiry.textContent = `This code refreshes in ${left} s.`;
      };
      tick();
      countdown = setInterval(tick, 1000);
    } catch (error) {
      qrImage.removeAttribute('src');
      qrExpiry.textContent =
        error.code === 'no_qr' ? 'Waiting for a QR code… (press Connect if the channel is not starting)' : error.message;
    }
    qrTimer = setTimeout(pollQr, QR_POLL_MS);
  };
  signal.addEventListener('abort', () => {
    clearTimeout(qrTimer);
    clearInterval(countdown);
  });
  const pairForm = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault();
        const result = await attempt(pairStatus, () => api('POST', `/v1/channels/${channelId}/pair-code`, fields(pairForm)));
        if (!result) return;
        mount(
          pairStatus,
          h('p', {}, `On ${result.phone_number}, enter this code: `, h('code', { id: 'pair-code' }, result.code)),
          // The sandbox's phone of that number types the code in, as a person would on a real phone.
          channel.mode === 'test'
            ? h(
                'button',
                {
                  type: 'button',
                  'data-action': 'simulated-pair-code',
                  onclick: () =>
                    attempt(pairStatus, () =>
                      api('POST', `/v1/sandbox/channels/${channelId}/pair-code`, { code: result.code, phone_number: result.phone_number }),
                    ),
                },
                'Enter it on the simulated phone',
              )
            : null,
        );
      },
    },
    h('input', { name: 'phone_number', placeholder: '+15551234567', required: true, 'aria-label': 'Phone number' }),
    h('button', { type: 'submit' }, 'Get a pair code'),
  );
  const renderPairing = () => {
    if (!pairable()) {
      pairing.hidden = true;
      return;
    }
    pairing.hidden = false;
    mount(
      pairing,
      h('h2', {}, 'Pair a phone'),
      h('p', { class: 'muted' }, 'WhatsApp › Linked devices › Link a device, then scan:'),
      qrImage,
      qrExpiry,
      h('h3', {}, 'Or link with a phone number'),
      pairForm,
      channel.mode === 'test'
        ? h(
            'p',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                'data-action': 'simulated-scan',
                onclick: () => attempt(pairStatus, () => api('POST', `/v1/sandbox/channels/${channelId}/scan`, {})),
              },
              'Scan with a simulated phone',
            ),
          )
        : null,
      pairStatus,
    );
    void pollQr();
  };

  // History, newest first, with filters and cursor paging.
  const filters = h(
    'form',
    { class: 'inline filters', onsubmit: (event) => (event.preventDefault(), void loadHistory()) },
    h(
      'select',
      { name: 'direction', 'aria-label': 'Direction' },
      h('option', { value: '' }, 'any direction'),
      h('option', {}, 'inbound'),
      h('option', {}, 'outbound'),
    ),
    h(
      'select',
      { name: 'status', 'aria-label': 'Status' },
      h('option', { value: '' }, 'any status'),
      ['queued', 'sending', 'sent', 'delivered', 'read', 'received', 'failed'].map((s) => h('option', {}, s)),
    ),
    h('input', { name: 'chat', placeholder: 'chat (+number or JID)', 'aria-label': 'Chat' }),
    h('button', { type: 'submit' }, 'Filter'),
  );
  /** The cursors of the pages before the one shown (undefined: the first page), for "Newer". */
  const cursors = [];
  let shown = { cursor: undefined, load: 0 };
  const loadHistory = async (cursor) => {
    if (!cursor) cursors.length = 0;
    const load = shown.load + 1;
    shown = { cursor, load };
    const page = await get(`/v1/channels/${channelId}/messages`, { ...fields(filters), limit: 10, cursor });
    if (shown.load !== load) return; // a later load (paging, a filter) answers instead
    mount(
      history,
      table(
        [
          ['When', (m) => when(m.created_at)],
          ['Dir', (m) => (m.direction === 'inbound' ? '←' : '→')],
          ['Chat', (m) => m.chat_id],
          ['Type', (m) => m.type],
          ['Content', (m) => (typeof m.text === 'string' ? m.text : m.type)],
          ['Status', (m) => badge(m.status)],
          ['Id', (m) => h('code', {}, m.id)],
        ],
        page.data,
        'No messages match.',
        (m) => ({ 'data-message-id': m.id }),
      ),
      h(
        'div',
        { class: 'pager' },
        cursors.length > 0
          ? h('button', { type: 'button', 'data-action': 'newer', onclick: () => void loadHistory(cursors.pop()) }, 'Newer')
          : null,
        page.has_more
          ? h(
              'button',
              { type: 'button', 'data-action': 'older', onclick: () => (cursors.push(cursor), void loadHistory(page.next_cursor)) },
              'Older',
            )
          : null,
      ),
    );
  };

  const loadChats = async () => {
    const [c, k] = await Promise.all([
      get(`/v1/channels/${channelId}/chats`, { limit: 20 }),
      get(`/v1/channels/${channelId}/contacts`, { limit: 20 }),
    ]);
    mount(
      chats,
      table(
        [
          ['Chat', (x) => x.id],
          ['Last message', (x) => when(x.last_message_at)],
          ['Unread', (x) => String(x.unread_count)],
        ],
        c.data,
        'No chats yet.',
      ),
    );
    mount(
      contacts,
      table(
        [
          ['Contact', (x) => x.id],
          ['Name', (x) => x.push_name ?? '—'],
          ['Phone', (x) => x.phone_number ?? '—'],
        ],
        k.data,
        'No contacts yet.',
      ),
    );
  };

  const sendStatus = h('div', { class: 'status' });
  const sendForm = h(
    'form',
    {
      class: 'inline',
      id: 'send-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const sent = await attempt(sendStatus, () =>
          api('POST', `/v1/channels/${channelId}/messages`, { type: 'text', ...fields(sendForm) }),
        );
        if (sent) {
          mount(sendStatus, notice(`Accepted: ${sent.message_id} (${sent.status})`));
          await loadHistory();
        }
      },
    },
    h('input', { name: 'to', placeholder: '+15551234567', required: true, 'aria-label': 'To' }),
    h('input', { name: 'text', placeholder: 'Hello from the dashboard', required: true, 'aria-label': 'Text' }),
    h('button', { type: 'submit', class: 'primary' }, 'Send'),
  );

  const renderSandbox = () => {
    if (channel.mode !== 'test') {
      sandbox.hidden = true;
      return;
    }
    const status = h('div', { class: 'status' });
    const inbound = h(
      'form',
      {
        class: 'inline',
        id: 'inbound-form',
        onsubmit: async (event) => {
          event.preventDefault();
          const r = await attempt(status, () =>
            api('POST', `/v1/sandbox/channels/${channelId}/inbound`, { type: 'text', ...fields(inbound) }),
          );
          if (r) mount(status, notice(`${r.from} sent ${r.wa_message_id}`));
        },
      },
      h('input', { name: 'from', placeholder: '+15557654321', required: true, 'aria-label': 'From' }),
      h('input', { name: 'text', placeholder: 'Hi!', required: true, 'aria-label': 'Inbound text' }),
      h('button', { type: 'submit' }, 'Receive'),
    );
    const receipts = h(
      'form',
      {
        class: 'inline',
        onsubmit: async (event) => {
          event.preventDefault();
          const r = await attempt(status, () => api('POST', `/v1/sandbox/channels/${channelId}/receipts`, fields(receipts)));
          if (r) mount(status, notice(`${r.message_id} reported ${r.status}`));
        },
      },
      h('input', { name: 'message_id', placeholder: 'message id', required: true, 'aria-label': 'Message id' }),
      h('select', { name: 'status', 'aria-label': 'Receipt' }, h('option', {}, 'delivered'), h('option', {}, 'read')),
      h('button', { type: 'submit' }, 'Report receipt'),
    );
    mount(
      sandbox,
      h('h2', {}, 'Sandbox'),
      h('p', { class: 'muted' }, 'Test channels live on the built-in WhatsApp simulator: act as its contacts and phone.'),
      h('h3', {}, 'A contact sends a message'),
      inbound,
      h('h3', {}, 'The recipient reports a receipt'),
      receipts,
      h('h3', {}, 'The phone'),
      h(
        'button',
        {
          type: 'button',
          'data-action': 'unlink',
          onclick: () => attempt(status, () => api('POST', `/v1/sandbox/channels/${channelId}/unlink`, {})),
        },
        'Unlink this device from the phone',
      ),
      status,
    );
  };

  const refresh = async () => {
    const mine = ++refreshes;
    const [fresh, status] = await Promise.all([api('GET', `/v1/channels/${channelId}`), api('GET', `/v1/channels/${channelId}/status`)]);
    if (mine !== refreshes) return;
    channel = { ...fresh, status: status.status };
    renderHeader();
    renderStatus(status);
    renderPairing();
  };

  mount(
    root,
    header,
    actionStatus,
    h('div', { class: 'grid' }, h('section', { class: 'card' }, h('h2', {}, 'Status'), statusBox), pairing),
    h('section', { class: 'card' }, h('h2', {}, 'Send a test message'), sendForm, sendStatus),
    h('section', { class: 'card' }, h('h2', {}, 'History'), filters, history),
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Chats'), chats),
      h('section', { class: 'card' }, h('h2', {}, 'Contacts'), contacts),
    ),
    sandbox,
    h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timeline),
  );
  renderSandbox();
  await Promise.all([refresh(), loadHistory(), loadChats()]);

  // The channel's own stream from its first event: the timeline of transitions, then everything live.
  let reload = null;
  const later = (fn) => {
    clearTimeout(reload);
    reload = setTimeout(fn, 150);
  };
  void follow(
    `/v1/channels/${channelId}/events?after=0`,
    (event) => {
      if (event.type === 'channel.state_changed') {
        const p = event.data.payload;
        timeline.prepend(
          h(
            'li',
            { 'data-to': p.to },
            when(p.since),
            ' ',
            badge(p.from),
            ' → ',
            badge(p.to),
            p.reason ? h('span', { class: 'muted' }, ` ${p.reason.code ?? ''} ${p.reason.message ?? ''}`) : null,
          ),
        );
        channel.status = p.to;
        later(refresh);
      } else if (event.type.startsWith('message.')) {
        // New messages show on the first page; a reader on an older page is left where they are.
        later(() => Promise.all([shown.cursor ? null : loadHistory(), loadChats()]));
      }
    },
    signal,
  );
}
