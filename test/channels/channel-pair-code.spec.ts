import { bearer, errorCode } from '../support/http';
import { ChannelClient } from '../support/channels';
import { useTestContext } from '../support/context';

describe('Channel pairing with a pair code', () => {
  const ctx = useTestContext();

  it('pairs with a pair code', async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create();
    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'qr');
    const pair = await ctx.http.post(`/v1/channels/${id}/pair-code`).set(bearer(key)).send({ phone_number: '+15550002222' }).expect(200);
    expect(pair.body.code).toMatch(/^[A-Z0-9]{8}$/);
    const entered = await ctx.http.post(`/v1/sandbox/channels/${id}/pair-code`).set(bearer(key)).send({ code: pair.body.code });
    expect(entered.body).toMatchObject({ phone_number: '+15550002222' });
    const connected = await channels.waitForStatus(id, 'connected');
    expect(connected.phone_number).toBe('+15550002222');
  });

  it("answers a wrong code entered on the phone as the client's mistake (invalid_request on code), not a gateway failure", async () => {
    const { key } = await ctx.newAccount({ plan: 'unlimited' });
    const channels = new ChannelClient(ctx.gw, key);
    const id = await channels.create();
    await ctx.http.post(`/v1/channels/${id}/connect`).set(bearer(key)).expect(202);
    await channels.waitForStatus(id, 'qr');
    const pair = await ctx.http.post(`/v1/channels/${id}/pair-code`).set(bearer(key)).send({ phone_number: '+15550002223' }).expect(200);
    const wrong = pair.body.code === 'ABCD1234' ? 'ABCD1235' : 'ABCD1234';
    const entered = await ctx.http.post(`/v1/sandbox/channels/${id}/pair-code`).set(bearer(key)).send({ code: wrong });
    expect({ status: entered.status, code: errorCode(entered) }).toEqual({ status: 400, code: 'invalid_request' });
    expect(entered.body.error.details.issues[0].path).toEqual(['code']);
  });
});
