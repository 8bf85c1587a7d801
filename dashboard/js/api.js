// The API client of the dashboard: the credential lives in sessionStorage only (never in a URL or a
// cookie) and goes out in the Authorization header, on JSON calls and on the event stream alike.

const STORE = 'whatisup.dashboard.credential';

/** @typedef {{ kind: 'customer' | 'operator', token: string }} Credential */

/** @returns {Credential | null} */
export function credential() {
  const raw = sessionStorage.getItem(STORE);
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** @param {Credential | null} value */
export function setCredential(value) {
  if (value) sessionStorage.setItem(STORE, JSON.stringify(value));
  else sessionStorage.removeItem(STORE);
}

/** An error answer of the API: its stable code, message and details. */
export class ApiError extends Error {
  /** @param {number} status @param {{ code: string, message: string, details?: unknown }} error */
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.details = error.details;
  }
}

/**
 * Calls the API with the signed-in credential (or `token`); answers the parsed JSON, throws ApiError.
 * @param {string} method @param {string} path @param {unknown} [body] @param {string} [token]
 */
export async function api(method, path, body, token) {
  const secret = token ?? credential()?.token;
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (secret) headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // The signed-in key was revoked or expired: the shell signs out (see app.js).
    if (response.status === 401 && token === undefined && secret) window.dispatchEvent(new CustomEvent('whatisup:signed-out'));
    throw new ApiError(response.status, json?.error ?? { code: 'internal_error', message: `HTTP ${response.status}` });
  }
  return json;
}

/** GET with a query built from the defined values of `query`. */
export function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '' && value !== null) params.set(name, String(value));
  const qs = params.toString();
  return api('GET', qs ? `${path}?${qs}` : path);
}

/**
 * Follows a Server-Sent Events stream with fetch(), since EventSource cannot send the Authorization header.
 * Reconnects with Last-Event-ID after a network error; stops when `signal` aborts or the server says the
 * key can no longer be used (stream.ended).
 * @param {string} path @param {(event: { id: string, type: string, data: any }) => void} onEvent
 * @param {AbortSignal} signal
 */
export async function follow(path, onEvent, signal) {
  let lastId = null;
  while (!signal.aborted) {
    try {
      /** @type {Record<string, string>} */
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${credential()?.token ?? ''}` };
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch(path, { headers, signal });
      if (!response.ok || !response.body) {
        // Refused on (re)connecting: the key was revoked or expired while the stream was away.
        if (response.status === 401) {
          window.dispatchEvent(new CustomEvent('whatisup:signed-out'));
          return;
        }
        throw new Error(`stream answered ${response.status}`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (!event) continue;
          if (event.id) lastId = event.id;
          if (event.type === 'stream.ended') {
            window.dispatchEvent(new CustomEvent('whatisup:signed-out'));
            return;
          }
          onEvent(event);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      console.warn('event stream interrupted', error);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** @param {string} block */
function parseBlock(block) {
  let id = '';
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  try {
    return { id, type, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}
