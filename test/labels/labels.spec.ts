import type { TestChannel } from '../support/channels';
import { useTestContext } from '../support/context';
import { eventually } from '../support/eventually';
import { bearer, errorCode } from '../support/http';
import { digits, newPhone } from '../support/phones';

/**
 * WhatsApp Business labels: a table fed by app-state sync through real Baileys on the simulator, where the
 * phone keeps its labels as WhatsApp's server does (encrypted patches in the account's `regular` collection).
 */
describe('Labels', () => {
  const ctx = useTestContext();
  let channel: TestChannel;
  let phone: string;

  /** A channel paired with a WhatsApp Business phone that already has a label and a labelled chat. */
  async function businessChannel(options: { account?: { key: string; customerId: string }; name?: string } = {}): Promise<TestChannel> {
    const number = newPhone();
    ctx.simulator.createPhone(digits(number), { business: true });
    return ctx.newChannel({ paired: true, phone: number, ...options });
  }

  beforeAll(async () => {
    const number = newPhone();
    phone = digits(number);
    ctx.simulator.createPhone(phone, { business: true });
    // made on the phone before the channel was linked: the initial sync brings them
    await ctx.simulator.changeLabels(phone, { kind: 'edit', id: '1', name: 'New customer', color: 0 });
    await ctx.simulator.changeLabels(phone, { kind: 'chat', labelId: '1', chat: '15550009999@s.whatsapp.net', labeled: true });
    channel = await ctx.newChannel({ paired: true, phone: number });
  });

  const call = (method: 'get' | 'patch' | 'delete' | 'post', path: string, of: TestChannel = channel) =>
    ctx.http[method](`/v1/channels/${of.id}${path}`).set(bearer(of.key));
  const labels = async (of: TestChannel = channel) =>
    (await call('get', '/labels', of).expect(200)).body.data as Array<Record<string, unknown>>;

  it('lists the labels the initial sync after pairing brought, with their counts', async () => {
    expect(
      await eventually(
        () => labels(),
        (list) => list.length === 1 && list[0].chat_count === 1,
      ),
    ).toEqual([{ id: '1', name: 'New customer', color: 'salmon', color_index: 0, chat_count: 1, message_count: 0 }]);
  });

  it('creates a label on WhatsApp: the phone shows it, and GET lists it', async () => {
    const res = await call('post', '/labels').send({ name: 'VIP', color: 'plum' }).expect(201);
    expect(res.body).toEqual({ id: '2', name: 'VIP', color: 'plum', color_index: 3, chat_count: 0, message_count: 0 });
    expect((await ctx.simulator.labels(phone)).labels).toContainEqual({ id: '2', name: 'VIP', color: 3, deleted: false });
    expect(await labels()).toContainEqual(res.body);
  });

  it('renames and recolours a label, on the phone too', async () => {
    const res = await call('patch', '/labels/2').send({ color: 'gold' }).expect(200);
    expect(res.body).toMatchObject({ id: '2', name: 'VIP', color: 'gold', color_index: 2 });
    await call('patch', '/labels/2').send({ name: 'VIP clients' }).expect(200);
    expect((await ctx.simulator.labels(phone)).labels).toContainEqual({ id: '2', name: 'VIP clients', color: 2, deleted: false });
  });

  it('labels and unlabels a chat and a message; GET /labels/{id} names them, and so does the phone', async () => {
    const contact = newPhone();
    const contactJid = `${digits(contact)}@s.whatsapp.net`;
    const sent = await channel.send({ to: contact, type: 'text', text: 'your order shipped' });
    const messageId = sent.body.message_id as string;
    const waMessageId = (await channel.message(messageId)).wa_message_id as string;

    await call('post', `/labels/2/chats/${encodeURIComponent(contact)}`).expect(204);
    await call('post', `/labels/2/messages/${messageId}`).expect(204);
    expect((await call('get', '/labels/2').expect(200)).body).toEqual({
      id: '2',
      name: 'VIP clients',
      color: 'gold',
      color_index: 2,
      chat_count: 1,
      message_count: 1,
      chats: [{ chat_id: contactJid }],
      messages: [{ chat_id: contactJid, wa_message_id: waMessageId, message_id: messageId }],
    });
    expect(await ctx.simulator.labels(phone)).toMatchObject({
      chats: expect.arrayContaining([{ labelId: '2', chat: contactJid }]),
      messages: [{ labelId: '2', chat: contactJid, messageId: waMessageId }],
    });

    await call('delete', `/labels/2/chats/${encodeURIComponent(contactJid)}`).expect(204);
    await call('delete', `/labels/2/messages/${messageId}`).expect(204);
    expect((await call('get', '/labels/2').expect(200)).body).toMatchObject({ chat_count: 0, message_count: 0, chats: [], messages: [] });
    const onPhone = await ctx.simulator.labels(phone);
    expect(onPhone.chats).not.toContainEqual({ labelId: '2', chat: contactJid });
    expect(onPhone.messages).toEqual([]);
  });

  it('follows the phone: a label it creates, edits, puts on a chat or message, and deletes', async () => {
    const chat = `${digits(newPhone())}@s.whatsapp.net`;
    await ctx.simulator.changeLabels(phone, { kind: 'edit', id: '40', name: 'Pending payment', color: 16 });
    await ctx.simulator.changeLabels(phone, { kind: 'chat', labelId: '40', chat, labeled: true });
    await ctx.simulator.changeLabels(phone, { kind: 'message', labelId: '40', chat, messageId: 'PHONEMSG1', labeled: true });
    const detail = await eventually(
      async () => (await call('get', '/labels/40')).body,
      (body) => body.message_count === 1 && body.chat_count === 1,
    );
    expect(detail).toMatchObject({
      name: 'Pending payment',
      color: 'darkorange',
      chats: [{ chat_id: chat }],
      messages: [{ chat_id: chat, wa_message_id: 'PHONEMSG1', message_id: null }],
    });
    await ctx.simulator.changeLabels(phone, { kind: 'edit', id: '40', name: 'Paid', color: 15 });
    await eventually(
      () => labels(),
      (list) => list.some((l) => l.id === '40' && l.name === 'Paid' && l.color === 'limegreen'),
    );
    // the next label the API creates takes an id after every one it knows
    expect((await call('post', '/labels').send({ name: 'Later', color: 'cyan' }).expect(201)).body.id).toBe('41');
    await ctx.simulator.changeLabels(phone, { kind: 'edit', id: '40', name: 'Paid', color: 15, deleted: true });
    await eventually(
      () => labels(),
      (list) => !list.some((l) => l.id === '40'),
    );
    expect(errorCode(await call('get', '/labels/40').expect(404))).toBe('not_found');
  });

  it('deletes a label on WhatsApp and takes it off its chats', async () => {
    await call('post', '/labels/1/chats/+15550008888').expect(204);
    await call('delete', '/labels/1').expect(204);
    expect((await ctx.simulator.labels(phone)).labels).toContainEqual({ id: '1', name: 'New customer', color: 0, deleted: true });
    expect((await labels()).map((l) => l.id)).not.toContain('1');
    expect(errorCode(await call('get', '/labels/1').expect(404))).toBe('not_found');
  });

  it("lets the sandbox act as the channel's phone: it creates a label and labels a chat, and the channel follows", async () => {
    const sandbox = (path: string) => ctx.http.put(`/v1/sandbox/channels/${channel.id}${path}`).set(bearer(channel.key));
    const edited = await sandbox('/labels/60').send({ name: 'Order complete', color: 'mediumpurple' }).expect(200);
    expect(edited.body.labels).toContainEqual({ id: '60', name: 'Order complete', color: 'mediumpurple', deleted: false });
    const labelled = await sandbox('/labels/60/chats/+15550007777').send({ labeled: true }).expect(200);
    expect(labelled.body.chats).toContainEqual({ label_id: '60', chat_id: '15550007777@s.whatsapp.net' });
    await eventually(
      async () => (await call('get', '/labels/60')).body,
      (body) => body.chat_count === 1 && body.name === 'Order complete',
    );
    const phoneView = await ctx.http.get(`/v1/sandbox/channels/${channel.id}/labels`).set(bearer(channel.key)).expect(200);
    expect(phoneView.body.labels).toContainEqual({ id: '60', name: 'Order complete', color: 'mediumpurple', deleted: false });
    expect(errorCode(await sandbox('/labels/x').send({ name: 'a', color: 'gold' }).expect(400))).toBe('invalid_request');
  });

  it.each([
    ['no name', 'post', '/labels', { color: 'gold' }],
    ['a colour not in the palette', 'post', '/labels', { name: 'x', color: 'red' }],
    ['an unknown field', 'post', '/labels', { name: 'x', color: 'gold', icon: 'star' }],
    ['a blank name', 'post', '/labels', { name: '   ', color: 'gold' }],
    ['nothing to change', 'patch', '/labels/2', {}],
    ['a chat that is no JID or number', 'post', '/labels/2/chats/not-a-chat', undefined],
  ] as const)('refuses %s', async (_, method, path, body) => {
    expect(errorCode(await call(method, path).send(body).expect(400))).toBe('invalid_request');
  });

  it.each([
    ['an unknown label', 'get', '/labels/999'],
    ['a label id that is no number', 'get', '/labels/abc'],
    ['editing an unknown label', 'patch', '/labels/999'],
    ['deleting an unknown label', 'delete', '/labels/999'],
    ['labelling a chat with an unknown label', 'post', '/labels/999/chats/+15550001111'],
    ['labelling an unknown message', 'post', '/labels/2/messages/msg_01JUNKNOWN0000000000000000'],
  ] as const)('answers not_found for %s', async (_, method, path) => {
    const res = await call(method, path).send(method === 'patch' ? { name: 'x' } : undefined);
    expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 404, code: 'not_found' });
  });

  it('answers a clear error on a personal (non-Business) account', async () => {
    const personal = await ctx.newChannel({ paired: true });
    for (const [method, path] of [
      ['get', '/labels'],
      ['post', '/labels'],
    ] as const) {
      const res = await call(method, path, personal).send(method === 'post' ? { name: 'x', color: 'gold' } : undefined);
      expect({ status: res.status, code: errorCode(res) }).toEqual({ status: 409, code: 'not_business_account' });
    }
  });

  const WRITES: Array<{ method: 'get' | 'post' | 'patch' | 'delete'; path: string; body?: object }> = [
    { method: 'post', path: '/labels', body: { name: 'x', color: 'gold' } },
    { method: 'patch', path: '/labels/2', body: { name: 'x' } },
    { method: 'delete', path: '/labels/2' },
    { method: 'post', path: '/labels/2/chats/+15550001111' },
    { method: 'delete', path: '/labels/2/chats/+15550001111' },
  ];

  it('needs a live socket to change labels, and reads the stored ones without it', async () => {
    const dropped = await businessChannel();
    await call('post', '/labels', dropped).send({ name: 'Kept', color: 'gold' }).expect(201);
    await dropped.http.post(`/v1/channels/${dropped.id}/disconnect`).set(bearer(dropped.key)).expect(200);
    await dropped.waitForChannelStatus('stopped_by_user');
    for (const route of WRITES) {
      const res = await call(route.method, route.path.replace('/2', '/1'), dropped).send(route.body);
      expect({ route: `${route.method} ${route.path}`, code: errorCode(res) }).toEqual({
        route: `${route.method} ${route.path}`,
        code: 'channel_unavailable',
      });
    }
    expect(await labels(dropped)).toEqual([expect.objectContaining({ id: '1', name: 'Kept' })]);
  });

  it('right after pairing, waits for the key the phone shares before changing labels, and says so when it never comes', async () => {
    const slow = newPhone();
    ctx.simulator.createPhone(digits(slow), { business: true, keyShareDelayMs: 1_500 });
    const linked = await ctx.newChannel({ paired: true, phone: slow });
    const res = await call('post', '/labels', linked).send({ name: 'Early', color: 'gold' }).expect(201);
    expect((await ctx.simulator.labels(digits(slow))).labels).toContainEqual({ id: res.body.id, name: 'Early', color: 2, deleted: false });

    const silent = newPhone();
    ctx.simulator.createPhone(digits(silent), { business: true, keyShareDelayMs: 60_000 });
    const unkeyed = await ctx.newChannel({ paired: true, phone: silent });
    const refused = await call('post', '/labels', unkeyed).send({ name: 'Too early', color: 'gold' }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'channel_unavailable',
      details: { reason: 'app_state_key_missing', operation: 'labels.edit' },
    });
    expect(await labels(unkeyed)).toEqual([]);
  }, 30_000);

  it('keeps tenants apart and holds scoped keys and key modes', async () => {
    const stranger = await ctx.newAccount();
    const other = await businessChannel({ account: { key: channel.key, customerId: channel.customerId }, name: 'other' });
    expect(await labels(other)).toEqual([]);
    const scoped = await ctx.gw.newKey({ customerId: channel.customerId, channelId: other.id });
    const live = await ctx.gw.newKey({ customerId: channel.customerId, mode: 'live' });
    for (const route of [{ method: 'get', path: '/labels' }, { method: 'get', path: '/labels/2' }, ...WRITES] as typeof WRITES) {
      const path = `/v1/channels/${channel.id}${route.path}`;
      const codes = [];
      for (const key of [stranger.key, scoped.key, live.key]) {
        codes.push(errorCode(await ctx.http[route.method](path).set(bearer(key)).send(route.body)));
      }
      codes.push(errorCode(await ctx.http[route.method](path).send(route.body)));
      expect({ route: `${route.method} ${route.path}`, codes }).toEqual({
        route: `${route.method} ${route.path}`,
        codes: ['channel_not_found', 'channel_scoped_key', 'channel_access_denied', 'auth_missing'],
      });
    }
    expect((await ctx.http.get(`/v1/channels/${other.id}/labels`).set(bearer(scoped.key)).expect(200)).body).toEqual({ data: [] });
  });
});
