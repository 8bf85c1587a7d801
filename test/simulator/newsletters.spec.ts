import { type BinaryNode, getBinaryNodeChild, S_WHATSAPP_NET } from '@whiskeysockets/baileys';
import { NewsletterRefusal, WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';

const OWEN = '15550008001';
const PAM = '15550008002';
const QUIN = '15550008003';

/** Newsletters over w:mex and the newsletter IQs, driven by Baileys 7's own newsletter functions. */
describe('WhatsAppSimulator newsletters', () => {
  let sim: WhatsAppSimulator;
  let owen: TestClient;
  let pam: TestClient;
  const unhandled: string[] = [];

  beforeAll(async () => {
    sim = new WhatsAppSimulator();
    sim.on('unhandled', ({ request }) => unhandled.push(request));
    await sim.start();
    owen = await pairedClient(sim, OWEN, 'Owen');
    pam = await pairedClient(sim, PAM, 'Pam');
    sim.createPhone(QUIN, { pushName: 'Quin' });
  });

  afterAll(async () => {
    await owen.close();
    await pam.close();
    await sim.stop();
  });

  it('creates, reads by jid and by invite, updates, follows and mutes through Baileys', async () => {
    const created = await owen.sock.newsletterCreate('Owen’s notes', 'Short ones');
    expect(created).toMatchObject({
      id: expect.stringMatching(/@newsletter$/),
      name: 'Owen’s notes',
      description: 'Short ones',
      mute_state: 'OFF',
    });
    const byJid = (await pam.sock.newsletterMetadata('jid', created.id)) as unknown as Record<string, unknown>;
    expect(byJid).toMatchObject({ id: created.id, viewer_metadata: { role: 'GUEST', mute: 'OFF' } });
    const byInvite = (await pam.sock.newsletterMetadata('invite', created.invite!)) as unknown as Record<string, unknown>;
    expect(byInvite.id).toBe(created.id);

    await owen.sock.newsletterUpdateName(created.id, 'Owen’s long notes');
    expect(sim.newsletter(created.id)!.name).toBe('Owen’s long notes');

    await pam.sock.newsletterFollow(created.id);
    await pam.sock.newsletterMute(created.id);
    expect(sim.newsletter(created.id)!.followers).toEqual([{ phone: PAM, muted: true }]);
    expect(await owen.sock.newsletterAdminCount(created.id)).toBe(1);
    await expect(pam.sock.newsletterFollow(created.id)).rejects.toMatchObject({ output: { statusCode: 409 } });
    await expect(pam.sock.newsletterUpdateName(created.id, 'Mine')).rejects.toMatchObject({ output: { statusCode: 401 } });
    await expect(pam.sock.newsletterMetadata('jid', '120363400000000077@newsletter')).rejects.toMatchObject({
      output: { statusCode: 404 },
    });
  });

  it('delivers a post sent with sendMessage in plaintext to followers, numbered, and lists it with its reactions', async () => {
    const { id } = await owen.sock.newsletterCreate('Posts', '');
    await pam.sock.newsletterFollow(id);
    sim.followNewsletter(QUIN, id);

    const sent = await owen.sock.sendMessage(id, { text: 'First post' });
    const upsert = await pam.waitFor('messages.upsert', ({ messages }) => messages.some((m) => m.key.remoteJid === id));
    const received = upsert.messages.find((m) => m.key.remoteJid === id)!;
    expect(received.key).toMatchObject({ id: sent!.key.id, fromMe: false, server_id: '100' });
    expect(received.message?.conversation ?? received.message?.extendedTextMessage?.text).toBe('First post');
    const atQuin = await sim.waitForMessage(QUIN, (m) => m.newsletter === id);
    expect(atQuin).toMatchObject({ from: OWEN, serverId: 100, content: { type: 'text', text: 'First post' } });

    await pam.sock.newsletterReactMessage(id, '100', '🔥');
    const reaction = await owen.waitFor('newsletter.reaction', (r) => r.id === id);
    expect(reaction).toMatchObject({ server_id: '100', reaction: { code: '🔥' } });

    const listed = (await pam.sock.query({
      tag: 'iq',
      attrs: { type: 'get', xmlns: 'newsletter', to: S_WHATSAPP_NET },
      content: [{ tag: 'messages', attrs: { type: 'jid', jid: id, count: '10' } }],
    })) as BinaryNode;
    const message = getBinaryNodeChild(getBinaryNodeChild(listed, 'messages'), 'message')!;
    expect(message.attrs).toMatchObject({ server_id: '100', id: sent!.key.id });
    expect(getBinaryNodeChild(getBinaryNodeChild(message, 'reactions'), 'reaction')!.attrs).toEqual({ code: '🔥', count: '1' });
  });

  it('refuses a follower’s post in the ack, and the owner leaving, and fails loudly on an unknown query id', async () => {
    const { id } = await owen.sock.newsletterCreate('Guarded', '');
    await pam.sock.newsletterFollow(id);
    const acked = new Promise<BinaryNode>((resolve) => pam.sock.ws.on('CB:ack,class:message', resolve));
    const sent = await pam.sock.sendMessage(id, { text: 'not mine' });
    const ack = await acked;
    expect(ack.attrs).toMatchObject({ id: sent!.key.id, from: id, error: '401' });
    expect(sim.newsletter(id)!.posts).toEqual([]);
    expect(() => sim.unfollowNewsletter(OWEN, id)).toThrow(NewsletterRefusal);

    // a post sent as a 1:1 message (Signal-encrypted, no plaintext) is refused in its ack, not delivered
    const refused = new Promise<BinaryNode>((resolve) =>
      owen.sock.ws.on('CB:ack,class:message', (node: BinaryNode) => node.attrs.id === 'ENCRYPTEDPOST1' && resolve(node)),
    );
    await owen.sock.sendNode({
      tag: 'message',
      attrs: { to: id, id: 'ENCRYPTEDPOST1', type: 'text' },
      content: [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: Buffer.from('not plaintext') }],
    });
    expect((await refused).attrs).toMatchObject({ from: id, error: '400' });
    expect(sim.newsletter(id)!.posts).toEqual([]);

    await expect(
      owen.sock.query({
        tag: 'iq',
        attrs: { type: 'get', xmlns: 'w:mex', to: S_WHATSAPP_NET },
        content: [{ tag: 'query', attrs: { query_id: '1234567890' }, content: Buffer.from('{"variables":{}}') }],
      }),
    ).rejects.toMatchObject({ data: 400 });
    expect(unhandled).toEqual(['w:mex query_id=1234567890']);
  });
});
