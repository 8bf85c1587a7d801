import { bearer, errorCode } from '../support/http';
import { ChannelClient } from '../support/channels';
import { useTestContext } from '../support/context';

describe('Channel pairing on the sandbox', () => {
  const ctx = useTestContext();

  it('goes create → connect → qr → sandbox scan → connected', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create('support-line');
    expect((await channels.status(id)).status).toBe('pending');
    expect(errorCode(await ctx.http.get(`/v1/channels/${id}/qr`).set(bearer(key)).expect(409))).toBe('no_qr');

    const connect = await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    expect(['connecting', 'qr']).toContain(connect.body.status);
    await channels.waitForStatus(id, 'qr');

    const qr = await ctx.http.get(`/v1/channels/${id}/qr`).set(bearer(key)).expect(200);
    expect(Buffer.from(qr.body.png_base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(typeof qr.body.qr).toBe('string');
    expect(Date.parse(qr.body.expires_at)).toBeGreaterThan(Date.now());

    const scan = await ctx.http.post(`/v1/sandbox/channels/${id}/scan`).set(bearer(key)).send({ phone_number: '+15550001111' }).expect(200);
    expect(scan.body.phone_number).toBe('+15550001111');
    const connected = await channels.waitForStatus(id, 'connected');
    expect(connected).toMatchObject({ phone_number: '+15550001111', reconnect_attempts: 0, reason: null });

    const channel = await ctx.http.get(`/v1/channels/${id}`).set(bearer(key)).expect(200);
    expect(channel.body).toMatchObject({ id, name: 'support-line', mode: 'test', status: 'connected', phone_number: '+15550001111' });
  });
});
