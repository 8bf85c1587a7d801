import Redis from 'ioredis';
import sharp from 'sharp';
import { ChannelOwners } from '../../src/engine/calls/channel-owners';
import { WorkerCalls } from '../../src/engine/calls/worker-calls';
import { SessionManager } from '../../src/engine/session-manager';
import { WORKER_ID } from '../../src/engine/worker-id';
import { OutboundMessageProcessor } from '../../src/modules/messages/outbound-message.processor';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { TEST_REDIS_URL, testConfig, TestGateway } from '../support/gateway';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';

/** Long enough that no sweep runs during the file: a send that arrives was routed, not swept. */
const NO_SWEEP = { messages: { ...testConfig().messages, sweepIntervalMs: 3_600_000 } };

/**
 * Two gateway processes on one database and one Redis (distinct worker ids): the channel's socket is held by
 * A, its lease in Redis names A, and every call made through B's API reaches WhatsApp over A's socket.
 */
describe('Calls routed to the worker that holds the channel', () => {
  const ctx = useTestContext(NO_SWEEP);
  let b: TestGateway;
  let redis: Redis;
  let channel: TestChannel;

  const workerIdOf = (gw: TestGateway): string => gw.app.get<string>(WORKER_ID);
  const callsOf = (gw: TestGateway): WorkerCalls => gw.app.get(WorkerCalls);
  const leaseKey = () => `${ctx.config.redisKeyPrefix}channel-lease:${channel.id}`;
  /**
   * A lease as a holder writes it: `<worker id>|<fencing token>`. A, finding its own lease so replaced, closes its
   * socket: the tests that do this come last.
   */
  const leaseTo = (workerId: string) => redis.set(leaseKey(), `${workerId}|7`);
  const viaB = (method: 'get' | 'patch' | 'put' | 'post', path: string) =>
    b.http[method](`/v1/channels/${channel.id}${path}`).set(bearer(channel.key));

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    // Paired while A is the only worker, so A is where it is placed and A's lease names it.
    channel = await ctx.newChannel({ paired: true });
    b = await TestGateway.start(
      ctx.prisma,
      { redisKeyPrefix: ctx.config.redisKeyPrefix, secrets: ctx.config.secrets, workerCallTimeoutMs: 5_000, ...NO_SWEEP },
      undefined,
      { sandboxSimulator: ctx.simulator },
    );
    expect((await redis.get(leaseKey()))?.split('|')[0]).toBe(workerIdOf(ctx.gw));
  });
  afterAll(async () => {
    await b?.close();
    redis?.disconnect();
  });

  it('runs two distinct workers, only A holding the socket', () => {
    expect(workerIdOf(b)).not.toBe(workerIdOf(ctx.gw));
  });

  it("reads and changes the profile through B, on A's socket (a picture crosses as bytes)", async () => {
    const served = callsOf(ctx.gw).traffic.served;
    const profile = await viaB('get', '/profile').expect(200);
    expect(profile.body).toMatchObject({ jid: `${digits(channel.phone)}@s.whatsapp.net`, phone_number: channel.phone });

    await viaB('patch', '/profile').send({ about: 'Routed through B' }).expect(200);
    expect(ctx.simulator.viewProfile(digits(newPhone()), digits(channel.phone)).about).toBe('Routed through B');

    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#a27' } })
      .png()
      .toBuffer();
    const media = await viaB('post', '/media').attach('file', png, { filename: 'logo.png', contentType: 'image/png' }).expect(201);
    await viaB('put', '/profile/picture').send({ media_id: media.body.media_id }).expect(200);
    const stored = ctx.simulator.profilePicture(digits(channel.phone))!;
    expect(await sharp(stored).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
    expect(callsOf(ctx.gw).traffic.served).toBeGreaterThanOrEqual(served + 4);
  });

  it('marks a received message read through B: the sender gets the read receipt', async () => {
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const waId = await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'read me from B' });
    const page = await eventually(
      () => channel.history({ direction: 'inbound', chat: contact }),
      (p: { data: Array<{ id: string }> }) => p.data.length === 1,
    );
    const read = await viaB('post', `/messages/${page.data[0].id}/read`).expect(200);
    expect(read.body.status).toBe('read');
    await ctx.simulator.waitForReceipt(digits(contact), waId, 'read');
  });

  it('creates a group through B, and a refusal raised on A comes back through B with the same code', async () => {
    const contacts = [newPhone(), newPhone()];
    for (const phone of contacts) ctx.simulator.createPhone(digits(phone));
    const created = await viaB('post', '/groups').send({ subject: 'Routed', participants: contacts }).expect(201);
    expect(ctx.simulator.group(created.body.id)?.subject).toBe('Routed');

    const unknown = '120363000000000001@g.us';
    const onA = await ctx.http.get(`/v1/channels/${channel.id}/groups/${unknown}`).set(bearer(channel.key));
    const onB = await viaB('get', `/groups/${unknown}`);
    expect(onA.status).toBe(404);
    expect({ status: onB.status, code: errorCode(onB), message: onB.body.error.message, details: onB.body.error.details }).toEqual({
      status: onA.status,
      code: errorCode(onA),
      message: onA.body.error.message,
      details: onA.body.error.details,
    });
  });

  it('applies a chat change through B on WhatsApp (a mute date crosses as a Date)', async () => {
    const contact = newPhone();
    const chatId = `${digits(contact)}@s.whatsapp.net`;
    await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'text', text: 'chat with me' });
    await eventually(
      () => channel.history({ chat: contact }),
      (p: { data: unknown[] }) => p.data.length === 1,
    );
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const patched = await viaB('patch', `/chats/${chatId}`).send({ pinned: true, muted_until: until }).expect(200);
    expect(patched.body).toMatchObject({ pinned: true, muted_until: until, applied_on_whatsapp: true });
  });

  it('sends a message accepted by B over A at once, with no sweep', async () => {
    // A takes no send job any more (closed, not paused: a paused worker may still take the job it was waiting
    // for), so the job is B's, which hands it to A. No later test sends.
    await ctx.gw.app.get(OutboundMessageProcessor).worker.close();
    const contact = newPhone();
    ctx.simulator.createPhone(digits(contact));
    const accepted = await viaB('post', '/messages').send({ type: 'text', to: contact, text: 'sent by A for B' }).expect(202);
    await ctx.simulator.waitForMessage(digits(contact), (m) => m.content.type === 'text' && m.content.text === 'sent by A for B');
    const sent = await eventually(
      () => viaB('get', `/messages/${accepted.body.message_id}`).expect(200),
      (res) => ['sent', 'delivered', 'read'].includes(res.body.status),
    );
    expect(sent.body.id).toBe(accepted.body.message_id);
  });

  it('rejects through B a call ringing on A’s socket (only A knows it rings)', async () => {
    const caller = newPhone();
    ctx.simulator.createPhone(digits(caller));
    const offer = await ctx.http
      .post(`/v1/sandbox/channels/${channel.id}/calls`)
      .set(bearer(channel.key))
      .send({ from: caller })
      .expect(201);
    const callId = offer.body.call_id as string;
    await eventually(
      () => channel.events('call.offered'),
      (events) => events.some((p) => (p as { call_id: string }).call_id === callId),
    );
    const declined = new Promise<void>((resolve) =>
      ctx.simulator.on('call', (event) => event.callId === callId && event.state === 'rejected' && resolve()),
    );
    const res = await viaB('post', `/calls/${callId}/reject`).expect(200);
    expect(res.body).toMatchObject({ call_id: callId, from: { phone_number: caller } });
    await declined;
    const again = await viaB('post', `/calls/${callId}/reject`).expect(404);
    expect(again.body.error).toMatchObject({ code: 'not_found', details: { reason: 'call_not_ringing' } });
  });

  describe('the call channel itself', () => {
    const told: unknown[][] = [];

    beforeAll(() => {
      callsOf(ctx.gw).serve('probe', new Set(['echo', 'fail', 'note']), {
        echo: async (...args: unknown[]) => args,
        note: async (...args: unknown[]) => void told.push(args),
        fail: async () => {
          throw new TypeError('a fault inside the worker');
        },
      });
    });

    it('carries Buffers, Dates and undefined both ways through Redis', async () => {
      const args = [Buffer.from([1, 2, 255]), new Date('2026-01-02T03:04:05.678Z'), undefined, { kept: undefined }];
      const back = (await callsOf(b).call(workerIdOf(ctx.gw), 'probe', 'echo', args)) as unknown[];
      expect(back).toEqual(args);
      expect(Buffer.isBuffer(back[0])).toBe(true);
      expect(back[1]).toBeInstanceOf(Date);
      expect(back).toHaveLength(4);
      expect('kept' in (back[3] as object)).toBe(true);
    });

    it('answers an unexpected failure as an internal error naming the operation', async () => {
      const failed = callsOf(b).call(workerIdOf(ctx.gw), 'probe', 'fail', []);
      await expect(failed).rejects.toMatchObject({ code: 'internal_error', status: 500, details: { operation: 'probe.fail' } });
      await expect(failed).rejects.not.toMatchObject({ message: expect.stringContaining('a fault inside') });
    });

    it('runs a one-way request once, with no reply, and drops one that waited past its time to live', async () => {
      const replies = `${b.config.redisKeyPrefix}call-replies:${workerIdOf(b)}`;
      await callsOf(b).tell(workerIdOf(ctx.gw), 'probe', 'note', ['placed', 7, new Date(0)], 60_000);
      await eventually(
        async () => told.length,
        (n) => n === 1,
      );
      expect(told[0]).toEqual(['placed', 7, new Date(0)]);
      // a stale one: its time to live runs out before the worker reads it
      await callsOf(b).tell(workerIdOf(ctx.gw), 'probe', 'note', ['stale'], -1);
      await callsOf(b).tell(workerIdOf(ctx.gw), 'probe', 'note', ['fresh'], 60_000);
      await eventually(
        async () => told.length,
        (n) => n === 2,
      );
      expect(told[1]).toEqual(['fresh']);
      expect(await redis.llen(replies)).toBe(0);
    });

    it('runs only the methods a target serves', async () => {
      await expect(callsOf(b).call(workerIdOf(ctx.gw), 'profile', 'constructor', [channel.id])).rejects.toMatchObject({
        code: 'internal_error',
        message: 'This worker does not serve profile.constructor.',
      });
      await expect(callsOf(b).call(workerIdOf(ctx.gw), 'nothing', 'echo', [])).rejects.toMatchObject({ code: 'internal_error' });
    });
  });

  it('takes the local path without Redis when the socket is here', async () => {
    const owners = ctx.gw.app.get(ChannelOwners);
    const lookups = jest.spyOn(owners, 'ownerOf');
    const traffic = { a: { ...callsOf(ctx.gw).traffic }, b: { ...callsOf(b).traffic } };
    try {
      await ctx.http.get(`/v1/channels/${channel.id}/profile`).set(bearer(channel.key)).expect(200);
      await ctx.http.patch(`/v1/channels/${channel.id}/profile`).set(bearer(channel.key)).send({ about: 'Local' }).expect(200);
      expect(lookups).not.toHaveBeenCalled();
      expect({ a: callsOf(ctx.gw).traffic, b: callsOf(b).traffic }).toEqual(traffic);
    } finally {
      lookups.mockRestore();
    }
  });

  it('shows the QR, pairs and disconnects through the process that does not hold the socket', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const id = (await ctx.http.post('/v1/channels').set(bearer(key)).send({ name: 'placed' }).expect(201)).body.id as string;
    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    const holderId = (await eventually(
      () => redis.get(`${ctx.config.redisKeyPrefix}channel-lease:${id}`),
      (v) => !!v,
    ))!.split('|')[0];
    const [holder, other] = holderId === workerIdOf(ctx.gw) ? [ctx.gw, b] : [b, ctx.gw];
    await eventually(
      async () => (await other.http.get(`/v1/channels/${id}/qr`).set(bearer(key))).status,
      (status) => status === 200,
    );
    const viaHolder = (await holder.http.get(`/v1/channels/${id}/qr`).set(bearer(key)).expect(200)).body;
    const viaOther = (await other.http.get(`/v1/channels/${id}/qr`).set(bearer(key)).expect(200)).body;
    expect(viaOther).toMatchObject({ qr: viaHolder.qr, expires_at: viaHolder.expires_at });
    expect(other.app.get(SessionManager).isOpen(id)).toBe(false);

    await other.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({ phone_number: newPhone() }).expect(200);
    await eventually(
      async () => (await other.http.get(`/v1/channels/${id}/status`).set(bearer(key)).expect(200)).body.status,
      (status) => status === 'connected',
    );
    expect(holder.app.get(SessionManager).isOpen(id)).toBe(true);
    await other.http.post(`/v1/channels/${id}/disconnect`).set(bearer(key)).expect(200);
    expect(holder.app.get(SessionManager).isOpen(id)).toBe(false);
  });

  it('answers channel_unavailable once the timeout passes when the lease names a worker that is gone', async () => {
    await leaseTo('gone-worker-0');
    try {
      const res = await viaB('get', '/profile').expect(409);
      expect(errorCode(res)).toBe('channel_unavailable');
      expect(res.body.error.message).toMatch(/did not answer/);
      expect(res.body.error.details).toMatchObject({ reason: 'worker_timeout', operation: 'profile.fetchOwn', worker_id: 'gone-worker-0' });
    } finally {
      await leaseTo(workerIdOf(ctx.gw));
    }
  });

  it('answers channel_unavailable at once, as before, when no worker holds a lease', async () => {
    await redis.del(leaseKey());
    try {
      const res = await viaB('get', '/profile').expect(409);
      expect(errorCode(res)).toBe('channel_unavailable');
    } finally {
      await leaseTo(workerIdOf(ctx.gw));
    }
  });
});
