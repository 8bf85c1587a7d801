// Building the page from data without innerHTML: text is always text, never markup.

/**
 * h('button', { class: 'primary', onclick: fn, 'data-x': 1 }, 'Save') → an element.
 * Attributes starting with "on" are listeners; `null`/`false` attributes and children are skipped.
 * @param {string} tag @param {Record<string, any>} [attrs] @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value') /** @type {HTMLInputElement} */ (el).value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the content of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table of rows; `columns` are [heading, row → cell content]. */
export function table(columns, rows, empty = 'Nothing yet.', rowAttrs = () => ({})) {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([heading]) => h('th', {}, heading)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          rowAttrs(row),
          columns.map(([, cell]) => h('td', {}, cell(row))),
        ),
      ),
    ),
  );
}

/** "3 min ago" style, with the exact time in the title. */
export function when(iso) {
  if (!iso) return '—';
  const at = new Date(iso);
  const seconds = Math.round((Date.now() - at.getTime()) / 1000);
  const text =
    seconds < 5
      ? 'just now'
      : seconds < 60
        ? `${seconds} s ago`
        : seconds < 3600
          ? `${Math.floor(seconds / 60)} min ago`
          : at.toLocaleString();
  return h('time', { datetime: iso, title: at.toISOString() }, text);
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}`, 'data-status': status }, status.replace(/_/g, ' '));
}

/** Reads a form's named fields into an object (empty fields left out). */
export function fields(form) {
  const out = {};
  for (const [name, value] of new FormData(form).entries()) if (value !== '') out[name] = value;
  return out;
}

/** A message line that shows an ApiError's code and text, or a notice. */
export function notice(text, kind = 'info') {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function errorText(error) {
  return error && error.code ? `${error.code}: ${error.message}` : String(error?.message ?? error);
}

/**
 * Runs an action from a button or form, showing its error in `where` (a container) instead of throwing.
 * @param {HTMLElement} where @param {() => Promise<unknown>} action
 */
export async function attempt(where, action) {
  where.replaceChildren();
  try {
    return await action();
  } catch (error) {
    where.replaceChildren(notice(errorText(error), 'error'));
    return undefined;
  }
}

/** A secret shown once, with a copy button. */
export function secretBox(label, secret) {
  const input = h('input', { class: 'secret', readonly: true, value: secret, 'aria-label': label, 'data-secret': '' });
  return h(
    'div',
    { class: 'secret-box' },
    h('strong', {}, label),
    h('p', { class: 'muted' }, 'Shown once: store it now, it cannot be retrieved again.'),
    input,
    h('button', { type: 'button', onclick: () => navigator.clipboard?.writeText(secret) }, 'Copy'),
  );
}
