import type { CallEvent } from '../../src/simulator';
import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer } from '../support/http';
import { digits, newPhone } from '../support/phones';

const TEST_MS = 60_000;

describe('Calls', () => {
  const ctx = useTestContext();
  let channel: TestChannel;

  beforeAll(async () => {
    channel = await ctx.newChannel({ paired: true });
  }, TEST_MS);

  const sandboxCall = (body: Record<string, unknown>, key = channel.key, channelId = channel.id) =>
    ctx.http.post(`/v1/sandbox/channels/${channelId}/calls`).set(bearer(key)).send(body);
  const sandboxEnd = (callId: string, how: string) =>
    ctx.http.post(`/v1/sandbox/channels/${channel.id}/calls/${callId}/end`).set(bearer(channel.key)).send({ how });
  const reject = (callId: string, key = channel.key, channelId = channel.id) =>
    ctx.http.post(`/v1/channels/${channelId}/calls/${callId}/reject`).set(bearer(key)).send();

  async function ring(from: string, video = false, group?: string): Promise<{ callId: string; offered: Record<string, unknown> }> {
    const res = await sandboxCall({ from, video, ...(group ? { group } : {}) }).expect(201);
    const callId = res.body.call_id as string;
    const offered = await eventually(
      async () => (await channel.events('call.offered')).find((p) => (p as { call_id: string }).call_id === callId),
      (p) => p !== undefined,
    );
    return { callId, offered: offered as Record<string, unknown> };
  }

  async function terminations(callId: string, count = 1) {
    return eventually(
      async () => (await channel.eventRows('call.terminated')).filter((r) => r.payload.call_id === callId),
      (rows) => rows.length >= count,
    );
  }

  it(
    'reports a call offer, and a reject: the caller sees it declined, the event names the request',
    async () => {
      const caller = newPhone();
      const { callId, offered } = await ring(caller, true);
      expect(offered).toMatchObject({ call_id: callId, is_video: true, is_group: false, group_id: null });
      expect((offered.from as { phone_number: string }).phone_number).toBe(caller);

      // another channel of the same customer hears nothing of it, and cannot reject it
      const sibling = await ctx.newChannel({
        paired: true,
        account: { key: channel.key, customerId: channel.customerId },
        name: 'sibling',
      });
      expect(await sibling.events('call.offered')).toEqual([]);
      expect((await reject(callId, channel.key, sibling.id).expect(404)).body.error.code).toBe('not_found');

      const declined = new Promise<CallEvent>((resolve) =>
        ctx.simulator.on('call', (event) => event.callId === callId && event.state === 'rejected' && resolve(event)),
      );
      // WhatsApp acknowledges the reject at once: the request does not wait out a query timeout
      const started = Date.now();
      const res = await reject(callId).expect(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.body).toMatchObject({ call_id: callId, from: { phone_number: caller } });
      expect((await declined).phone).toBe(digits(caller));

      const [row] = await terminations(callId);
      expect(row.payload).toMatchObject({ call_id: callId, reason: 'rejected', from: { phone_number: caller } });
      expect(row.correlationId).toBe(res.headers['x-request-id']);

      // finished: a second reject is refused, and no second end is reported
      const again = await reject(callId).expect(404);
      expect(again.body.error).toMatchObject({ code: 'not_found', details: { reason: 'call_not_ringing' } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await terminations(callId)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'reports how a call ended on the caller or phone side: missed, declined on the phone, timeout, answered elsewhere then ended',
    async () => {
      const missed = await ring(newPhone());
      await sandboxEnd(missed.callId, 'hangup').expect(200);
      expect((await terminations(missed.callId))[0].payload).toMatchObject({ reason: 'missed' });

      // declined on the account's phone: rejected, caused by no request, and no longer ringing here
      const declined = await ring(newPhone());
      await sandboxEnd(declined.callId, 'rejected_on_phone').expect(200);
      const [rejectedRow] = await terminations(declined.callId);
      expect(rejectedRow.payload).toMatchObject({ reason: 'rejected' });
      expect(rejectedRow.correlationId).toBeNull();
      await reject(declined.callId).expect(404);

      const timedOut = await ring(newPhone());
      await sandboxEnd(timedOut.callId, 'timeout').expect(200);
      expect((await terminations(timedOut.callId))[0].payload).toMatchObject({ reason: 'timeout' });

      const answered = await ring(newPhone());
      await sandboxEnd(answered.callId, 'accepted_on_phone').expect(200);
      expect((await terminations(answered.callId))[0].payload).toMatchObject({ reason: 'accepted_elsewhere' });
      // answered elsewhere: no longer ringing here
      await reject(answered.callId).expect(404);
      await sandboxEnd(answered.callId, 'ended').expect(200);
      const rows = await terminations(answered.callId, 2);
      expect(rows[1].payload).toMatchObject({ reason: 'ended' });
      expect(typeof rows[1].payload.duration).toBe('number');

      // the missed-call notice Baileys writes for a timeout is not a message
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await channel.events('message.received')).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'reports a group call: is_group with its group; the stub Baileys writes for it is no message',
    async () => {
      const caller = newPhone();
      ctx.simulator.createPhone(digits(caller));
      const group = ctx.simulator.createGroup(digits(caller), 'Call club', [digits(channel.phone)]);
      const { callId, offered } = await ring(caller, true, group.id);
      expect(offered).toMatchObject({ call_id: callId, is_video: true, is_group: true, group_id: group.id });
      expect((offered.from as { phone_number: string }).phone_number).toBe(caller);
      await sandboxEnd(callId, 'hangup').expect(200);
      expect((await terminations(callId))[0].payload).toMatchObject({ reason: 'missed' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await channel.events('message.received')).toEqual([]);

      expect((await sandboxCall({ from: newPhone(), group: group.id }).expect(400)).body.error.details.issues[0].code).toBe('not_member');
      expect((await sandboxCall({ from: caller, group: '120363000000000000@g.us' }).expect(404)).body.error.code).toBe('not_found');
      expect((await sandboxCall({ from: caller, group: 'nonsense' }).expect(400)).body.error.code).toBe('invalid_request');
    },
    TEST_MS,
  );

  it(
    'auto-rejects calls when the channel says so, and answers the caller with its message',
    async () => {
      const auto = await ctx.newChannel({ paired: true, name: 'auto' });
      const patch = (body: unknown) =>
        ctx.http
          .patch(`/v1/channels/${auto.id}`)
          .set(bearer(auto.key))
          .send(body as object);
      expect((await patch({ calls: { auto_reject: 'yes' } }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await patch({}).expect(400)).body.error.code).toBe('invalid_request');
      const res = await patch({ calls: { auto_reject: true, message: 'I cannot take calls here; please write.' } }).expect(200);
      expect(res.body.calls).toEqual({ auto_reject: true, message: 'I cannot take calls here; please write.' });
      expect(res.body.name).toBe('auto');

      const caller = newPhone();
      const declined = new Promise<CallEvent>((resolve) =>
        ctx.simulator.on('call', (event) => event.to === digits(auto.phone) && event.state === 'rejected' && resolve(event)),
      );
      const offer = await ctx.http.post(`/v1/sandbox/channels/${auto.id}/calls`).set(bearer(auto.key)).send({ from: caller }).expect(201);
      expect((await declined).callId).toBe(offer.body.call_id);
      const ended = await eventually(
        () => auto.events('call.terminated'),
        (rows) => rows.length === 1,
      );
      expect(ended[0]).toMatchObject({ call_id: offer.body.call_id, reason: 'rejected' });
      expect(await auto.events('call.offered')).toHaveLength(1);
      const answer = await ctx.simulator.waitForMessage(digits(caller), (m) => m.content.type === 'text', 20_000);
      expect(answer.content).toMatchObject({ text: 'I cannot take calls here; please write.' });

      // switched off (the message goes with it): calls ring again
      const off = await patch({ calls: { auto_reject: false } }).expect(200);
      expect(off.body.calls).toEqual({ auto_reject: false, message: null });
      const ringing = await ctx.http.post(`/v1/sandbox/channels/${auto.id}/calls`).set(bearer(auto.key)).send({ from: caller }).expect(201);
      await eventually(
        () => auto.events('call.offered'),
        (rows) => rows.length === 2,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await auto.events('call.terminated')).toHaveLength(1);
      await ctx.http.post(`/v1/channels/${auto.id}/calls/${ringing.body.call_id}/reject`).set(bearer(auto.key)).expect(200);
    },
    TEST_MS,
  );

  it(
    'refuses unknown calls, bad input, other keys and channels without a live socket',
    async () => {
      const unknown = await reject('0000DEADBEEF').expect(404);
      expect(unknown.body.error.code).toBe('not_found');
      await ctx.http.post(`/v1/channels/${channel.id}/calls/x/reject`).expect(401);

      // another customer's key does not see the channel
      const stranger = await ctx.newAccount();
      expect((await reject('X', stranger.key).expect(404)).body.error.code).toBe('channel_not_found');
      const other = await ctx.newChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'second' });
      const sameOwnerScoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
      expect((await reject('X', sameOwnerScoped.key).expect(403)).body.error.code).toBe('channel_scoped_key');
      const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
      expect((await reject('X', live.key).expect(403)).body.error.code).toBe('channel_access_denied');
      // not connected: the guard refuses before any lookup
      expect((await reject('X', other.key, other.id).expect(409)).body.error.code).toBe('channel_unavailable');

      expect((await sandboxCall({ from: 'nobody' }).expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandboxEnd('0000DEADBEEF', 'hangup').expect(404)).body.error.code).toBe('not_found');
      expect((await sandboxEnd('0000DEADBEEF', 'explode').expect(400)).body.error.code).toBe('invalid_request');
      expect((await sandboxCall({ from: newPhone() }, other.key, other.id).expect(409)).body.error.code).toBe('channel_unavailable');
    },
    TEST_MS,
  );
});
