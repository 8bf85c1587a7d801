import { encodeSyncdPatch, newLTHashState, proto } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { labelPatch } from '../../src/simulator/phone/labels';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const BIZ = '15550007101';
const LEO = '15550007102';
const leoJid = `${LEO}@s.whatsapp.net`;

/** The app-state server: patches from the phone and from companions, kept as one log per collection. */
describe('WhatsAppSimulator app-state server', () => {
  let sim: WhatsAppSimulator;
  let first: TestClient;
  let second: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(BIZ, { pushName: 'Acme', business: true });
    sim.createPhone(LEO, { pushName: 'Leo' });
    first = await pairedClient(sim, BIZ);
    second = await pairedClient(sim, BIZ);
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    await sim.stop();
  });

  it("tells every companion about a label the phone creates and a chat it labels, through Baileys' own events", async () => {
    await sim.changeLabels(BIZ, { kind: 'edit', id: '5', name: 'VIP', color: 3 });
    await sim.changeLabels(BIZ, { kind: 'chat', labelId: '5', chat: leoJid, labeled: true });
    for (const client of [first, second]) {
      expect(await client.waitFor('labels.edit', (l) => l.id === '5')).toMatchObject({ name: 'VIP', color: 3, deleted: false });
      expect(await client.waitFor('labels.association', (a) => a.association.labelId === '5')).toEqual({
        type: 'add',
        association: { type: 'label_jid', chatId: leoJid, labelId: '5' },
      });
    }
  });

  it("stores a companion's push as the next version, shows it on the phone and syncs it to the other companion", async () => {
    const before = sim.appStateVersion(BIZ, 'regular');
    await first.sock.addLabel('', { id: '7', name: 'Leads', color: 9, deleted: false });
    await first.sock.addMessageLabel(leoJid, 'MSG1', '7');
    expect(sim.appStateVersion(BIZ, 'regular')).toBe(before + 2);
    expect(await sim.labels(BIZ)).toMatchObject({
      labels: expect.arrayContaining([{ id: '7', name: 'Leads', color: 9, deleted: false }]),
      messages: [{ labelId: '7', chat: leoJid, messageId: 'MSG1' }],
    });
    expect(await second.waitFor('labels.edit', (l) => l.id === '7')).toMatchObject({ name: 'Leads', color: 9 });
    await second.waitFor('labels.association', (a) => a.association.labelId === '7');
    // and the second companion builds on top of that: no conflict
    await second.sock.removeChatLabel(leoJid, '5');
    expect((await sim.labels(BIZ)).chats).toEqual([]);
    await first.waitFor('labels.association', (a) => a.type === 'remove' && a.association.labelId === '5');
  });

  it('keeps chat settings pushed by a companion (archive) in their collection', async () => {
    const before = sim.appStateVersion(BIZ, 'regular_low');
    await first.sock.chatModify(
      { archive: true, lastMessages: [{ key: { remoteJid: leoJid, id: 'X1', fromMe: false }, messageTimestamp: 1 }] },
      leoJid,
    );
    expect(sim.appStateVersion(BIZ, 'regular_low')).toBe(before + 1);
    await second.waitFor('chats.update', (updates) => updates.some((u) => u.id === leoJid && u.archived === true));
  });

  it('refuses a push built on a stale version with 409, and keeps the log as it was', async () => {
    const version = sim.appStateVersion(BIZ, 'regular');
    const keyId = first.auth.creds.myAppStateKeyId!;
    const key = first.auth.keys.get('app-state-sync-key', [keyId]);
    const { patch } = await encodeSyncdPatch(
      labelPatch({ kind: 'edit', id: '8', name: 'Late', color: 0 }),
      keyId,
      newLTHashState(),
      async (id) => (await key)[id],
    );
    const push = first.sock.query({
      tag: 'iq',
      attrs: { to: '@s.whatsapp.net', type: 'set', xmlns: 'w:sync:app:state' },
      content: [
        {
          tag: 'sync',
          attrs: {},
          content: [
            {
              tag: 'collection',
              attrs: { name: 'regular', version: '0', return_snapshot: 'false' },
              content: [{ tag: 'patch', attrs: {}, content: proto.SyncdPatch.encode(patch).finish() }],
            },
          ],
        },
      ],
    });
    await expect(push).rejects.toMatchObject({ data: 409 });
    expect(sim.appStateVersion(BIZ, 'regular')).toBe(version);
  });

  it('pages a long log (has_more_patches) and a newly linked companion still reads all of it', async () => {
    const shop = '15550007103';
    sim.createPhone(shop, { business: true });
    sim.setAppStatePageSize(shop, 2);
    for (let i = 1; i <= 5; i++) await sim.changeLabels(shop, { kind: 'edit', id: `${i}`, name: `L${i}`, color: i });
    const client = await pairedClient(sim, shop);
    try {
      for (let i = 1; i <= 5; i++) {
        expect(await client.waitFor('labels.edit', (l) => l.id === `${i}`)).toMatchObject({ name: `L${i}`, color: i });
      }
      // and its own push lands after all of them
      await client.sock.addLabel('', { id: '6', name: 'L6', color: 6, deleted: false });
      expect(sim.appStateVersion(shop, 'regular')).toBe(6);
    } finally {
      await client.close();
    }
  });

  it('has no labels on an account that is not a Business one', async () => {
    await expect(sim.changeLabels(LEO, { kind: 'edit', id: '1', name: 'X', color: 0 })).rejects.toThrow('not a WhatsApp Business account');
  });
});
