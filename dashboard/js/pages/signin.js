import { api, ApiError } from '../api.js';
import { signedIn } from '../app.js';
import { h, mount, notice } from '../dom.js';

const API_KEY = /^zpk_(live|test)_[A-Za-z0-9]{32}$/;

/** Sign in with an API key, or with the operator token (ADMIN_TOKEN) for the operator pages. */
export async function signInPage({ root }) {
  const status = h('div', { class: 'status' });
  const input = h('input', {
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    placeholder: 'zpk_live_… or zpk_test_…, or the operator token',
    'aria-label': 'API key or operator token',
  });
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        const kind = API_KEY.test(token) ? 'customer' : 'operator';
        try {
          // Checked before it is kept: limits for a key, the plans for the operator token.
          await api('GET', kind === 'customer' ? '/v1/limits' : '/v1/admin/plans', undefined, token);
          signedIn({ kind, token });
        } catch (error) {
          const text = error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
          mount(status, notice(text, 'error'));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'The key stays in this tab only (sessionStorage) and is sent in the Authorization header.'),
    h('label', {}, 'API key or operator token', input),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    status,
  );
  mount(root, form);
  input.focus();
}
