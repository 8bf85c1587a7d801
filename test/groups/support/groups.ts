import type { Test } from 'supertest';
import type { TestChannel } from '../../support/channels';
import { bearer } from '../../support/http';
import { digits } from '../../support/phones';

/** A channel's group routes, as a client calls them (`api.get('/{groupId}')` is GET …/groups/{groupId}). */
export function groupsOf(channel: TestChannel, key = channel.key) {
  const base = `/v1/channels/${channel.id}/groups`;
  const http = channel.http;
  const auth = bearer(key);
  return {
    get: (path = ''): Test => http.get(`${base}${path}`).set(auth),
    post: (path: string, body: object): Test => http.post(`${base}${path}`).set(auth).send(body),
    put: (path: string, body: object): Test => http.put(`${base}${path}`).set(auth).send(body),
    patch: (path: string, body: object): Test => http.patch(`${base}${path}`).set(auth).send(body),
    delete: (path: string, body?: object): Test =>
      body ? http.delete(`${base}${path}`).set(auth).send(body) : http.delete(`${base}${path}`).set(auth),
  };
}

/** The sandbox's group routes of a channel (simulated contacts acting in groups). */
export function sandboxGroupsOf(channel: TestChannel) {
  const base = `/v1/sandbox/channels/${channel.id}/groups`;
  const auth = bearer(channel.key);
  return {
    post: (path: string, body: object): Test => channel.http.post(`${base}${path}`).set(auth).send(body),
    patch: (path: string, body: object): Test => channel.http.patch(`${base}${path}`).set(auth).send(body),
  };
}

/** The user JID of a phone number given in E.164. */
export const userJid = (phone: string) => `${digits(phone)}@s.whatsapp.net`;
