import { eventually } from './eventually';
import type { GatewayCluster } from './gateway-cluster';
import { newPhone } from './phones';

/** A paired sandbox channel of the cluster's customer. */
export interface PairedChannel {
  id: string;
  phone: string;
  /** The simulated contact this channel writes to and hears from in the traffic. */
  contact: string;
}

export interface ChannelPlacement {
  status: string;
  worker_id: string | null;
}

export interface Traffic {
  /** Sends the API accepted (202), with the message id it answered. */
  sends: Array<{ channel: PairedChannel; text: string; messageId: string }>;
  /** Messages simulated contacts sent to the channels (the sandbox route answered 202). */
  inbound: Array<{ channel: PairedChannel; text: string; waMessageId: string }>;
  /** Requests the API refused while something was down (5xx, 503 channel_unavailable…): not accepted, not counted. */
  refused: number;
  /** The refusals by status and error code (`503 worker_timeout`, `fetch failed`…). */
  refusals: Record<string, number>;
}

/**
 * A customer of a gateway cluster with a test key, driving everything through one process (the API one by
 * default): pairing sandbox channels, reading where they are placed, and running sends and inbound messages.
 */
export class ClusterCustomer {
  private constructor(
    readonly cluster: GatewayCluster,
    readonly key: string,
    private readonly via: string,
  ) {}

  static async create(cluster: GatewayCluster, via = 'api'): Promise<ClusterCustomer> {
    const customer = await cluster.call<{ id: string }>(via, 'POST', '/v1/admin/customers', cluster.adminToken, {
      name: 'Cluster',
      plan: 'unlimited',
    });
    const created = await cluster.call<{ key: string }>(via, 'POST', '/v1/admin/keys', cluster.adminToken, {
      customer_id: customer.body.id,
      mode: 'test',
    });
    return new ClusterCustomer(cluster, created.body.key, via);
  }

  api<T = Record<string, unknown>>(method: string, route: string, body?: unknown) {
    return this.cluster.call<T>(this.via, method, route, this.key, body);
  }

  /** create → connect → qr → sandbox scan → connected. */
  async pair(name: string, timeoutMs = 60_000): Promise<PairedChannel> {
    const created = await this.api<{ id: string }>('POST', '/v1/channels', { name });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    const connect = await this.api('POST', `/v1/channels/${id}/connect`);
    if (connect.status !== 202) throw new Error(`connect ${id}: ${connect.status} ${JSON.stringify(connect.body)}`);
    await this.waitForStatus(id, 'qr', timeoutMs);
    const phone = newPhone();
    const scan = await this.api('POST', `/v1/sandbox/channels/${id}/scan`, { phone_number: phone });
    if (scan.status !== 200) throw new Error(`scan ${id}: ${scan.status} ${JSON.stringify(scan.body)}`);
    await this.waitForStatus(id, 'connected', timeoutMs);
    return { id, phone, contact: newPhone() };
  }

  waitForStatus(id: string, status: string, timeoutMs: number): Promise<ChannelPlacement> {
    return eventually(
      async () => (await this.api<ChannelPlacement>('GET', `/v1/channels/${id}/status`)).body,
      (body) => body.status === status,
      timeoutMs,
      200,
    );
  }

  /** Each channel's state and worker, as its status reports it. */
  async placements(list: PairedChannel[]): Promise<Map<string, ChannelPlacement>> {
    const out = new Map<string, ChannelPlacement>();
    for (const channel of list) out.set(channel.id, (await this.api<ChannelPlacement>('GET', `/v1/channels/${channel.id}/status`)).body);
    return out;
  }

  /** Waits until every channel is connected on a worker other than `notOn`; resolves with the milliseconds it took. */
  async connectedElsewhere(list: PairedChannel[], notOn: string | null, timeoutMs: number, intervalMs = 200): Promise<number> {
    const started = Date.now();
    await eventually(
      () => this.placements(list),
      (states) => [...states.values()].every((s) => s.status === 'connected' && s.worker_id !== null && s.worker_id !== notOn),
      timeoutMs,
      intervalMs,
    );
    return Date.now() - started;
  }

  /** The worker id a gateway process registered under (it names its pid). */
  async workerIdOf(name: string): Promise<string> {
    const pid = this.cluster.member(name).child.pid;
    const workers = await this.cluster.call<{ data: Array<{ id: string; pid: number; stale: boolean }> }>(
      this.via,
      'GET',
      '/v1/admin/workers',
      this.cluster.adminToken,
    );
    const found = workers.body.data.find((w) => w.pid === pid && !w.stale);
    if (!found) throw new Error(`${name} (pid ${pid}) is not among the workers: ${JSON.stringify(workers.body)}`);
    return found.id;
  }

  /**
   * Over the channels in turn, one send and (unless `inbound` is false) one inbound message every `everyMs`,
   * for `ms`; `midway` runs after a third of it, while the traffic goes on.
   */
  async traffic(
    channels: PairedChannel[],
    label: string,
    ms: number,
    midway: () => Promise<unknown>,
    { everyMs = 100, inbound = true }: { everyMs?: number; inbound?: boolean } = {},
  ): Promise<Traffic> {
    const result: Traffic = { sends: [], inbound: [], refused: 0, refusals: {} };
    const refuse = (why: string) => {
      result.refused++;
      result.refusals[why] = (result.refusals[why] ?? 0) + 1;
    };
    const why = (answer: { status: number; body: Record<string, unknown> }) => {
      const error = answer.body.error as { code?: string; details?: { reason?: string } } | undefined;
      return [answer.status, error?.code, error?.details?.reason].filter((part) => part !== undefined).join(' ');
    };
    const pending: Array<Promise<void>> = [];
    const started = Date.now();
    let disturbance: Promise<unknown> | undefined;
    for (let n = 0; Date.now() - started < ms; n++) {
      if (!disturbance && Date.now() - started >= ms / 3) disturbance = midway();
      const channel = channels[n % channels.length];
      const out = `${label} out ${n}`;
      const into = `${label} in ${n}`;
      pending.push(
        this.api<{ message_id: string }>('POST', `/v1/channels/${channel.id}/messages`, { type: 'text', to: channel.contact, text: out })
          .then((answer) => {
            if (answer.status === 202) result.sends.push({ channel, text: out, messageId: answer.body.message_id });
            else refuse(why(answer));
          })
          .catch((error: Error) => refuse(error.message)),
      );
      if (inbound) {
        pending.push(
          this.api<{ wa_message_id: string }>('POST', `/v1/sandbox/channels/${channel.id}/inbound`, {
            from: channel.contact,
            type: 'text',
            text: into,
          })
            .then((answer) => {
              if (answer.status === 202) result.inbound.push({ channel, text: into, waMessageId: answer.body.wa_message_id });
              else refuse(why(answer));
            })
            .catch((error: Error) => refuse(error.message)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    await Promise.all(pending);
    await disturbance;
    return result;
  }

  /** How many times each contact's phone decrypted each accepted send so far (its sandbox outbox). */
  async copiesAtPhones(sends: Traffic['sends']): Promise<Map<string, number>> {
    const copies = new Map(sends.map((send) => [send.messageId, 0]));
    const channels = new Map(sends.map((send) => [send.channel.id, send.channel]));
    for (const channel of channels.values()) {
      const outbox = await this.api<{ data?: Array<{ message_id: string }> }>(
        'GET',
        `/v1/sandbox/channels/${channel.id}/outbox?to=${encodeURIComponent(channel.contact)}`,
      );
      for (const { message_id } of outbox.body.data ?? []) if (copies.has(message_id)) copies.set(message_id, copies.get(message_id)! + 1);
    }
    return copies;
  }
}
