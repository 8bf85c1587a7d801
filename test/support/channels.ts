import type { PrismaClient } from '../../src/platform/database';
import { assertPayloads } from './event-payloads';
import { eventually } from './eventually';
import { TestGateway } from './gateway';
import { bearer } from './http';

export interface StatusBody {
  status: string;
  reconnect_attempts: number;
  reason: { code: number | null; message: string | null } | null;
  phone_number: string | null;
}

/** Channel helpers over the public API, as a client would use it. */
export class ChannelClient {
  constructor(
    readonly gw: TestGateway,
    readonly key: string,
  ) {}

  async create(name = 'main'): Promise<string> {
    const res = await this.gw.http.post('/v1/channels').set(bearer(this.key)).send({ name }).expect(201);
    return res.body.id as string;
  }

  async status(id: string): Promise<StatusBody> {
    return (await this.gw.http.get(`/v1/channels/${id}/status`).set(bearer(this.key)).expect(200)).body;
  }

  waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<StatusBody> {
    return eventually(
      () => this.status(id),
      (s) => s.status === status,
      timeoutMs,
    );
  }

  /** create → connect → qr → sandbox scan → connected; returns the channel id and its phone. */
  async paired(name = 'main', phone?: string): Promise<{ id: string; phone: string }> {
    const id = await this.create(name);
    await this.gw.http.post(`/v1/channels/${id}/connect`).set(bearer(this.key)).expect(202);
    await this.waitForStatus(id, 'qr');
    // Without a phone number, no body at all: the bare `curl -X POST` of the README.
    const scanning = this.gw.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(this.key));
    const scan = await (phone ? scanning.send({ phone_number: phone }) : scanning).expect(200);
    await this.waitForStatus(id, 'connected');
    return { id, phone: scan.body.phone_number };
  }
}

/** Where a TestChannel lives: the gateway (which a restart replaces) and the test's database. */
export interface ChannelHome {
  readonly gw: TestGateway;
  readonly prisma: PrismaClient;
}

/**
 * A channel of a test, with the key that owns it: its API as a client calls it (sends, messages, status) and
 * the events it published, read from the database. Built by `ctx.newChannel()` (see context.ts).
 */
export class TestChannel {
  constructor(
    private readonly home: ChannelHome,
    readonly key: string,
    readonly customerId: string,
    readonly id: string,
    /** The phone number the channel is paired with; empty until it is. */
    readonly phone: string,
  ) {}

  get http() {
    return this.home.gw.http;
  }

  get client(): ChannelClient {
    return new ChannelClient(this.home.gw, this.key);
  }

  status(): Promise<StatusBody> {
    return this.client.status(this.id);
  }

  waitForChannelStatus(status: string, timeoutMs?: number): Promise<StatusBody> {
    return this.client.waitForStatus(this.id, status, timeoutMs);
  }

  send(body: Record<string, unknown>, expected = 202, headers: Record<string, string> = {}) {
    return this.http.post(`/v1/channels/${this.id}/messages`).set(bearer(this.key)).set(headers).send(body).expect(expected);
  }

  message(id: string) {
    return this.http
      .get(`/v1/channels/${this.id}/messages/${id}`)
      .set(bearer(this.key))
      .expect(200)
      .then((r) => r.body);
  }

  /** Waits for a message of the channel to reach a status. */
  waitForStatus(id: string, status: string, timeoutMs = 15_000) {
    return eventually(
      () => this.message(id),
      (m) => m.status === status,
      timeoutMs,
    );
  }

  /** Messages of the channel matching the query, newest first. */
  history(query: Record<string, string | number> = {}) {
    return this.http
      .get(`/v1/channels/${this.id}/messages`)
      .query(query)
      .set(bearer(this.key))
      .expect(200)
      .then((r) => r.body);
  }

  /** The payloads of the channel's events of a type, oldest first; each one checked against its schema. */
  async events(type: string) {
    return (await this.eventRows(type)).map((row) => row.payload);
  }

  /** The channel's events of a type with their correlation ids, oldest first; payloads checked. */
  async eventRows(type: string) {
    const rows = await this.home.prisma.domainEvent.findMany({ where: { channelId: this.id, type }, orderBy: { seq: 'asc' } });
    assertPayloads(
      type,
      rows.map((r) => r.payload),
    );
    return rows.map((r) => ({ payload: r.payload as Record<string, unknown>, correlationId: r.correlationId }));
  }
}
