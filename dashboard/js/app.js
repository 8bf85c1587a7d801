// The dashboard's shell: sign-in state, navigation, the one live event stream, and the hash router.
import { credential, follow, setCredential } from './api.js';
import { errorText, h, mount } from './dom.js';
import { signInPage } from './pages/signin.js';
import { channelsPage } from './pages/channels.js';
import { channelPage } from './pages/channel.js';
import { webhooksPage } from './pages/webhooks.js';
import { webhookPage } from './pages/webhook.js';
import { keysPage } from './pages/keys.js';
import { usagePage } from './pages/usage.js';
import { operatorPage } from './pages/operator.js';

/** @typedef {{ root: HTMLElement, signal: AbortSignal, onEvent: (fn: (e: any) => void) => void, params: string[] }} PageContext */

const CUSTOMER_ROUTES = [
  [/^#\/channels\/([^/]+)$/, channelPage],
  [/^#\/channels$/, channelsPage],
  [/^#\/webhooks\/([^/]+)$/, webhookPage],
  [/^#\/webhooks$/, webhooksPage],
  [/^#\/keys$/, keysPage],
  [/^#\/usage$/, usagePage],
];
const OPERATOR_ROUTES = [[/^#\/operator(?:\/(\w+))?(?:\?.*)?$/, operatorPage]];

/** Listeners of the live stream, for the page on screen. */
const listeners = new Set();
let stream = null;
let page = null;

function startStream() {
  stream?.abort();
  stream = new AbortController();
  void follow('/v1/events', (event) => listeners.forEach((fn) => fn(event)), stream.signal);
}

export function signOut() {
  stream?.abort();
  stream = null;
  setCredential(null);
  location.hash = '#/signin';
}

export function signedIn(value) {
  setCredential(value);
  if (value.kind === 'customer') startStream();
  location.hash = value.kind === 'customer' ? '#/channels' : '#/operator';
}

function renderNav(who) {
  const nav = document.getElementById('nav');
  const links =
    who?.kind === 'customer'
      ? [
          ['#/channels', 'Channels'],
          ['#/webhooks', 'Webhooks'],
          ['#/keys', 'API keys'],
          ['#/usage', 'Usage'],
        ]
      : who?.kind === 'operator'
        ? [
            ['#/operator/customers', 'Customers'],
            ['#/operator/channels', 'Channels'],
            ['#/operator/keys', 'Keys'],
            ['#/operator/plans', 'Plans'],
            ['#/operator/workers', 'Workers'],
          ]
        : [];
  const current = location.hash;
  mount(
    nav,
    links.map(([href, text]) => h('a', { href, class: current.startsWith(href) ? 'active' : null }, text)),
  );
  const whoEl = document.getElementById('who');
  mount(
    whoEl,
    who
      ? [
          h('span', { class: 'muted' }, who.kind === 'operator' ? 'Operator' : `${who.token.slice(0, 14)}…`),
          h('button', { type: 'button', class: 'link', onclick: signOut, 'data-action': 'sign-out' }, 'Sign out'),
        ]
      : [],
  );
}

function route() {
  page?.abort();
  page = new AbortController();
  const who = credential();
  const hash = location.hash || '#/';
  if (!who && hash !== '#/signin') {
    location.hash = '#/signin';
    return;
  }
  if (who && (hash === '#/' || hash === '#/signin')) {
    location.hash = who.kind === 'customer' ? '#/channels' : '#/operator';
    return;
  }
  renderNav(who);
  const root = document.getElementById('app');
  mount(root);
  const signal = page.signal;
  /** @type {PageContext} */
  const context = {
    root,
    signal,
    params: [],
    onEvent(fn) {
      listeners.add(fn);
      signal.addEventListener('abort', () => listeners.delete(fn));
    },
  };
  if (!who) return signInPage(context);
  const routes = who.kind === 'customer' ? CUSTOMER_ROUTES : OPERATOR_ROUTES;
  for (const [pattern, render] of routes) {
    const match = pattern.exec(hash);
    if (match) {
      context.params = match.slice(1);
      // The API's envelope, code and message, rather than a blank page (e.g. a channel that is not this key's);
      // not once the page was left: a call refused after signing out would cover the sign-in page.
      render(context).catch((error) => {
        if (signal.aborted) return;
        mount(root, h('p', { class: 'notice notice-error', role: 'alert' }, errorText(error)), h('p', {}, h('a', { href: '#/' }, 'Back')));
      });
      return;
    }
  }
  mount(root, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back')));
}

window.addEventListener('hashchange', route);
// A call refused with 401, or the stream ended for the key: the key no longer works.
window.addEventListener('whatisup:signed-out', () => {
  if (credential()) signOut();
});
if (credential()?.kind === 'customer') startStream();
route();
