import { TestGateway } from './gateway';
import { bearer } from './http';
import { eventually } from './eventually';

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
    return eventually(() => this.status(id), (s) => s.status === status, timeoutMs);
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
