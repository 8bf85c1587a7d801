import { ControlServer, type WhatsAppSimulator } from '../../src/simulator';
import { TestClient } from './support/client';
import { startSimulator } from './support/simulator';

describe('ControlServer', () => {
  let sim: WhatsAppSimulator;
  let control: ControlServer;
  let base: string;
  let client: TestClient;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    sim = await startSimulator();
    control = new ControlServer(sim);
    base = await control.listen();
  });

  afterAll(async () => {
    await client?.close();
    await control.close();
    await sim.stop();
  });

  it('drives pairing, messages and receipts over JSON', async () => {
    expect((await call('GET', '/status')).body).toEqual({ url: sim.url, mediaHost: sim.mediaHost });
    expect((await call('POST', '/phones', { phone: '15550008001', pushName: 'Olga' })).body).toMatchObject({
      jid: '15550008001@s.whatsapp.net',
    });

    client = new TestClient(sim);
    client.connect();
    const { qr } = await client.waitForConnection((u) => !!u.qr);
    const scanned = await call('POST', '/phones/15550008001/scan', { qr });
    expect(scanned.body).toMatchObject({ deviceId: 1 });
    await client.waitForClose();
    client.connect();
    await client.waitForReady();

    const upsert = client.waitFor('messages.upsert', (u) => u.messages.some((m) => !!m.message?.imageMessage));
    const sent = await call('POST', '/phones/15550008002/send', {
      to: '15550008001',
      content: { type: 'image', data: Buffer.from('not really a png').toString('base64'), caption: 'hi' },
    });
    expect(sent.body.id).toEqual(expect.any(String));
    await upsert;

    const reply = await client.sock.sendMessage('15550008002@s.whatsapp.net', { text: 'got it' });
    await sim.waitForMessage('15550008002', (m) => m.id === reply!.key.id);
    const received = await call('GET', '/phones/15550008002/received');
    expect(received.body).toEqual([expect.objectContaining({ id: reply!.key.id, content: { type: 'text', text: 'got it' } })]);
    expect((await call('GET', '/phones/15550008002/receipts')).body).toContainEqual(
      expect.objectContaining({ messageId: sent.body.id, type: 'delivered' }),
    );
  });

  it('lets phones run groups over JSON, a refusal answered with WhatsApp’s code', async () => {
    const created = await call('POST', '/groups', { creator: '15550008101', subject: 'Club', members: ['15550008102'] });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ subject: 'Club', refused: [] });
    expect((await call('POST', `/groups/${id}/settings`, { author: '15550008102', setting: { locked: true } })).body).toEqual({
      error: '401 not-authorized',
      whatsappCode: 401,
    });
    await call('POST', `/groups/${id}/settings`, { author: '15550008101', setting: { joinApproval: true } });
    await call('POST', `/groups/${id}/description`, { author: '15550008102', description: 'Our club' });
    const { code } = (await call('GET', `/groups/${id}/invite-code?author=15550008101`)).body as { code: string };
    expect((await call('POST', '/phones/15550008103/join-group', { code })).body).toEqual({ group: id, status: 'pending_approval' });
    await call('POST', `/groups/${id}/join-requests`, { author: '15550008101', phones: ['15550008103'], answer: 'approve' });
    await call('POST', '/phones/15550008104/group-add-privacy', { privacy: 'nobody' });
    const added = await call('POST', `/groups/${id}/participants`, { author: '15550008101', action: 'add', phones: ['15550008104'] });
    expect(added.body.outcomes).toEqual([expect.objectContaining({ phone: '15550008104', status: 403 })]);
    expect((await call('GET', `/groups/${id}`)).body).toMatchObject({
      description: 'Our club',
      joinApproval: true,
      participants: expect.arrayContaining([{ phone: '15550008103', admin: null }]),
    });
  });

  it('lets phones own, follow and post to newsletters over JSON, a refusal answered with WhatsApp’s code', async () => {
    const created = await call('POST', '/newsletters', { owner: '15550008201', name: 'Bulletin' });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ name: 'Bulletin', owner: '15550008201', followers: [] });
    await call('POST', `/newsletters/${id}/follow`, { phone: '15550008202' });
    expect((await call('POST', `/newsletters/${id}/follow`, { phone: '15550008202' })).body).toEqual({
      error: '409 Already following',
      whatsappCode: 409,
    });
    const posted = await call('POST', `/newsletters/${id}/post`, { from: '15550008201', content: { type: 'text', text: 'Issue 1' } });
    expect(posted.body).toEqual({ id: expect.any(String), serverId: 100 });
    expect((await call('POST', `/newsletters/${id}/post`, { from: '15550008202', content: { type: 'text', text: 'x' } })).status).toBe(422);
    await call('POST', `/newsletters/${id}/react`, { phone: '15550008202', serverId: 100, emoji: '👍' });
    expect((await call('GET', '/phones/15550008202/received')).body).toContainEqual(
      expect.objectContaining({ id: posted.body.id, newsletter: id, content: { type: 'text', text: 'Issue 1' } }),
    );
    expect((await call('GET', `/newsletters/${id}`)).body).toMatchObject({
      followers: [{ phone: '15550008202', muted: false }],
      posts: [{ serverId: 100, reactions: { '15550008202': '👍' } }],
    });
    await call('POST', `/newsletters/${id}/unfollow`, { phone: '15550008202' });
  });

  it("sets a phone's privacy, blocklist and profile, and shows what a contact sees", async () => {
    await call('POST', '/phones', { phone: '15550008011', pushName: 'Pia' });
    expect((await call('POST', '/phones/15550008011/privacy', { last: 'none', status: 'contacts' })).body).toMatchObject({
      last: 'none',
      status: 'contacts',
    });
    expect((await call('POST', '/phones/15550008011/privacy', { online: 'contacts' })).status).toBe(422);
    await call('POST', '/phones/15550008011/about', { about: 'Out today' });
    await call('POST', '/phones/15550008011/contacts', { contacts: ['15550008012'] });
    expect((await call('GET', '/phones/15550008011/profile?viewer=15550008012')).body).toMatchObject({
      name: 'Pia',
      about: 'Out today',
      lastSeen: null,
    });
    expect((await call('GET', '/phones/15550008011/profile?viewer=15550008013')).body).toMatchObject({ about: null });
    await call('POST', '/phones/15550008011/block', { contact: '15550008013' });
    expect((await call('GET', '/phones/15550008011/blocklist')).body).toEqual(['15550008013']);
    await call('POST', '/phones/15550008011/unblock', { contact: '15550008013' });
    expect((await call('GET', '/phones/15550008011/blocklist')).body).toEqual([]);
  });

  it("writes a Business phone's labels as app-state patches and reads them back", async () => {
    await call('POST', '/phones', { phone: '15550008021', business: true });
    expect((await call('POST', '/phones/15550008021/labels', { kind: 'edit', id: '5', name: 'VIP', color: 3 })).body).toEqual({
      version: 1,
    });
    await call('POST', '/phones/15550008021/labels', { kind: 'chat', labelId: '5', chat: '15550008022@s.whatsapp.net', labeled: true });
    expect((await call('GET', '/phones/15550008021/labels')).body).toEqual({
      labels: [{ id: '5', name: 'VIP', color: 3, deleted: false }],
      chats: [{ labelId: '5', chat: '15550008022@s.whatsapp.net' }],
      messages: [],
    });
    await call('POST', '/phones', { phone: '15550008023' });
    expect(
      (await call('POST', '/phones/15550008023/labels', { kind: 'edit', id: '1', name: 'x', color: 0 })).status,
    ).toBeGreaterThanOrEqual(400);
  });

  it('lets phones run communities over JSON, a refusal answered with WhatsApp’s code', async () => {
    const created = await call('POST', '/communities', { creator: '15550008301', subject: 'Street', members: ['15550008302'] });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ subject: 'Street', isCommunity: true, groups: [], refused: [] });
    const group = await call('POST', `/communities/${id}/groups`, { author: '15550008301', subject: 'Garden', members: ['15550008302'] });
    expect(group.body).toMatchObject({ subject: 'Garden', communityId: id });
    expect((await call('POST', `/communities/${id}/groups`, { author: '15550008302', subject: 'Mine' })).body).toEqual({
      error: '401 not-authorized',
      whatsappCode: 401,
    });
    await call('POST', `/communities/${id}/unlink`, { author: '15550008301', group: group.body.id });
    expect((await call('GET', `/communities/${id}`)).body.groups).toEqual([]);
    await call('POST', `/communities/${id}/link`, { author: '15550008301', group: group.body.id });
    const removed = await call('POST', `/communities/${id}/participants`, {
      author: '15550008301',
      action: 'remove',
      phones: ['15550008302'],
    });
    expect(removed.body).toMatchObject({ groups: [group.body.id], outcomes: [expect.objectContaining({ status: 200 })] });
    expect((await call('GET', `/groups/${group.body.id}`)).body.participants).toEqual([{ phone: '15550008301', admin: 'superadmin' }]);
  });

  it('answers unknown routes with 404 and bad input with an error', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('POST', '/phones/1/send', { to: '2' })).status).toBe(400);
  });

  it('drives a business phone: profile, catalog, throttle and orders', async () => {
    await call('POST', '/phones', { phone: '15550008101', business: true });
    expect((await call('POST', '/phones/15550008101/business/profile', { description: 'Bakery' })).body).toMatchObject({
      description: 'Bakery',
    });
    const product = (
      await call('POST', '/phones/15550008101/catalog', { retailerId: 'R-1', name: 'Bread', price: '2500', currency: 'EUR' })
    ).body;
    expect(product).toMatchObject({ id: expect.stringMatching(/^\d+$/), retailerId: 'R-1' });
    expect((await call('POST', `/phones/15550008101/catalog/${product.id as string}`, { name: 'Rye' })).body).toMatchObject({
      name: 'Rye',
    });
    expect((await call('POST', '/phones/15550008101/collections', { name: 'Breads', productIds: [product.id] })).body.id).toEqual(
      expect.any(String),
    );
    expect((await call('POST', '/phones/15550008101/catalog-rate', { perSecond: 5 })).status).toBe(200);
    const order = (
      await call('POST', '/phones/15550008102/orders', { business: '15550008101', items: [{ productId: product.id, quantity: 2 }] })
    ).body;
    expect(order).toMatchObject({ total: 5000, currency: 'EUR' });
    expect((await call('POST', `/phones/15550008101/catalog/${product.id as string}/delete`)).body).toEqual({ deleted: true });
    expect((await call('GET', '/phones/15550008101/catalog')).body).toEqual([]);
  });
});
