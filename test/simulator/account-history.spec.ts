import { proto } from '@whiskeysockets/baileys';
import type { WhatsAppSimulator } from '../../src/simulator';
import { TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const { INITIAL_BOOTSTRAP, PUSH_NAME, NON_BLOCKING_DATA } = proto.HistorySync.HistorySyncType;

describe('WhatsAppSimulator account history', () => {
  let sim: WhatsAppSimulator;
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim.stop();
  });

  it('hands a realistic account’s new companion its conversations, messages, LIDs and push names, and the account is in its groups', async () => {
    sim = await startSimulator({ accountHistory: { contacts: 5, groups: 2, messages: 14 } });
    const client = await pairedClient(sim, '15550002001', 'Realistic');
    clients.push(client);

    const bootstrap = await client.waitFor('messaging-history.set', (h) => h.syncType === INITIAL_BOOTSTRAP);
    expect(bootstrap.chats).toHaveLength(7);
    expect(bootstrap.messages).toHaveLength(14);
    // the pairs come both in the sync's mapping list and beside each conversation
    expect(new Set((bootstrap.lidPnMappings ?? []).map((m) => `${m.pn} ${m.lid}`)).size).toBe(5);
    const people = bootstrap.chats.map((c) => c.id!).filter((jid) => jid.endsWith('@s.whatsapp.net'));
    expect(people).toHaveLength(5);
    for (const person of people) {
      expect(bootstrap.lidPnMappings).toContainEqual({ pn: person, lid: sim.phone(person).lid });
    }
    // 14 messages round-robin over 7 conversations, every third the account's own
    const perChat = new Map<string, number>();
    for (const m of bootstrap.messages) perChat.set(m.key.remoteJid!, (perChat.get(m.key.remoteJid!) ?? 0) + 1);
    expect([...perChat.values()]).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(bootstrap.messages.filter((m) => m.key.fromMe)).toHaveLength(4);

    const names = await client.waitFor('messaging-history.set', (h) => h.syncType === PUSH_NAME);
    expect(names.contacts.map((c) => c.notify).sort()).toEqual(['Contact 1', 'Contact 2', 'Contact 3', 'Contact 4', 'Contact 5']);

    const groups = Object.values(await client.sock.groupFetchAllParticipating());
    expect(groups.map((g) => g.subject).sort()).toEqual(['History group 1', 'History group 2']);
    for (const group of groups) {
      expect(bootstrap.chats.map((c) => c.id)).toContain(group.id);
      // the account and five members (all of the contacts, fewer than a group holds)
      expect(group.participants).toHaveLength(6);
      const authors = bootstrap.messages.filter((m) => m.key.remoteJid === group.id && !m.key.fromMe).map((m) => m.key.participant!);
      for (const author of authors) expect(group.participants.map((p) => p.phoneNumber ?? p.id)).toContain(author);
    }
  });

  it('hands a light account’s companion no conversations', async () => {
    sim = await startSimulator();
    const client = await pairedClient(sim, '15550002002');
    clients.push(client);
    const history = await client.waitFor('messaging-history.set', (h) => h.syncType === NON_BLOCKING_DATA);
    expect([history.chats, history.messages, history.contacts]).toEqual([[], [], []]);
    expect(client.events('messaging-history.set').some((h) => h.syncType === INITIAL_BOOTSTRAP)).toBe(false);
  });
});
