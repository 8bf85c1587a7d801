import { WhatsAppSimulator } from '../../src/simulator';
import { ChannelClient } from '../support/channels';
import { createTestDatabase, TestDatabase } from '../support/database';
import { assertPayloads } from '../support/event-payloads';
import { eventually } from '../support/eventually';
import { TestGateway } from '../support/gateway';
import { bearer } from '../support/http';

let phoneSeq = 0;
/** A fresh simulated phone number per call, distinct across files running in parallel. */
export function newPhone(): string {
  phoneSeq++;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

export function digits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** A gateway on its own database and a simulator that outlives it (restarts keep the sandbox network). */
export class MessagingStack {
  db!: TestDatabase;
  simulator!: WhatsAppSimulator;
  gw!: TestGateway;

  async start(overrides: Parameters<typeof TestGateway.start>[1] = {}): Promise<this> {
    this.db = await createTestDatabase();
    this.simulator = new WhatsAppSimulator();
    await this.simulator.start();
    this.gw = await TestGateway.start(this.db.prisma, overrides, undefined, { sandboxSimulator: this.simulator });
    return this;
  }

  async restart(overrides: Parameters<typeof TestGateway.start>[1] = {}, redisUrl?: string): Promise<void> {
    const secrets = this.gw.config.secrets;
    await this.gw.close();
    this.gw = await TestGateway.start(this.db.prisma, { secrets, ...overrides }, redisUrl, { sandboxSimulator: this.simulator });
  }

  async stop(): Promise<void> {
    await this.gw?.close();
    await this.simulator?.stop();
    await this.db?.drop();
  }

  /** An 'unlimited' account with a connected sandbox channel. */
  async channel(): Promise<Channel> {
    const { key, customerId } = await this.gw.newAccount({ plan: 'unlimited' });
    const { id, phone } = await new ChannelClient(this.gw, key).paired('messages', newPhone());
    return new Channel(this, key, customerId, id, phone);
  }
}

export class Channel {
  constructor(
    readonly stack: MessagingStack,
    readonly key: string,
    readonly customerId: string,
    readonly id: string,
    readonly phone: string,
  ) {}

  get http() {
    return this.stack.gw.http;
  }

  send(body: Record<string, unknown>, expected = 202) {
    return this.http.post(`/v1/channels/${this.id}/messages`).set(bearer(this.key)).send(body).expect(expected);
  }

  message(id: string) {
    return this.http.get(`/v1/channels/${this.id}/messages/${id}`).set(bearer(this.key)).expect(200).then((r) => r.body);
  }

  waitForStatus(id: string, status: string, timeoutMs = 15_000) {
    return eventually(() => this.message(id), (m) => m.status === status, timeoutMs);
  }

  /** Messages of the channel matching the query, newest first. */
  history(query: Record<string, string | number> = {}) {
    return this.http.get(`/v1/channels/${this.id}/messages`).query(query).set(bearer(this.key)).expect(200).then((r) => r.body);
  }

  /** The payloads of the channel's events of a type, oldest first; each one checked against its schema. */
  async events(type: string) {
    const rows = await this.stack.db.prisma.domainEvent.findMany({ where: { channelId: this.id, type }, orderBy: { seq: 'asc' } });
    const payloads = rows.map((r) => r.payload as Record<string, unknown>);
    assertPayloads(type, payloads);
    return payloads;
  }

  /** The channel's events of a type with their correlation ids, oldest first; payloads checked. */
  async eventRows(type: string) {
    const rows = await this.stack.db.prisma.domainEvent.findMany({ where: { channelId: this.id, type }, orderBy: { seq: 'asc' } });
    assertPayloads(type, rows.map((r) => r.payload));
    return rows.map((r) => ({ payload: r.payload as Record<string, unknown>, correlationId: r.correlationId }));
  }
}
