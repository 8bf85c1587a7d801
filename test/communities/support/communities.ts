import type { Test } from 'supertest';
import type { TestChannel } from '../../support/channels';
import { bearer } from '../../support/http';

/** A channel's community routes, as a client calls them (`api.get('/{communityId}')` is GET …/communities/{communityId}). */
export function communitiesOf(channel: TestChannel, key = channel.key) {
  const base = `/v1/channels/${channel.id}/communities`;
  const http = channel.http;
  const auth = bearer(key);
  return {
    get: (path = ''): Test => http.get(`${base}${path}`).set(auth),
    post: (path: string, body: object): Test => http.post(`${base}${path}`).set(auth).send(body),
    put: (path: string, body: object = {}): Test => http.put(`${base}${path}`).set(auth).send(body),
    patch: (path: string, body: object): Test => http.patch(`${base}${path}`).set(auth).send(body),
    delete: (path: string, body?: object): Test =>
      body ? http.delete(`${base}${path}`).set(auth).send(body) : http.delete(`${base}${path}`).set(auth),
  };
}

/** The sandbox's community routes of a channel (simulated contacts acting in communities). */
export function sandboxCommunitiesOf(channel: TestChannel, key = channel.key) {
  const base = `/v1/sandbox/channels/${channel.id}/communities`;
  const auth = bearer(key);
  return {
    post: (path: string, body: object): Test => channel.http.post(`${base}${path}`).set(auth).send(body),
  };
}
