import type { Test } from 'supertest';
import type { TestChannel } from '../../support/channels';
import { bearer } from '../../support/http';

/** A channel's newsletter routes, as a client calls them (`api.get('/{newsletterId}')` is GET …/newsletters/{newsletterId}). */
export function newslettersOf(channel: TestChannel, key = channel.key) {
  const base = `/v1/channels/${channel.id}/newsletters`;
  const http = channel.http;
  const auth = bearer(key);
  return {
    get: (path = ''): Test => http.get(`${base}${path}`).set(auth),
    post: (path: string, body: object = {}): Test => http.post(`${base}${path}`).set(auth).send(body),
    put: (path: string, body: object): Test => http.put(`${base}${path}`).set(auth).send(body),
    patch: (path: string, body: object): Test => http.patch(`${base}${path}`).set(auth).send(body),
    delete: (path: string): Test => http.delete(`${base}${path}`).set(auth),
  };
}

/** The sandbox's newsletter routes of a channel (simulated contacts owning and posting to newsletters). */
export function sandboxNewslettersOf(channel: TestChannel) {
  const base = `/v1/sandbox/channels/${channel.id}/newsletters`;
  const auth = bearer(channel.key);
  return {
    post: (path: string, body: object): Test => channel.http.post(`${base}${path}`).set(auth).send(body),
  };
}
