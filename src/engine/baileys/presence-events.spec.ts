import { readPresence } from './presence-events';

describe('readPresence (Baileys presence.update → gateway presence)', () => {
  it('reads presences and chat states in the gateway terms', () => {
    expect(readPresence('111@lid', '111@lid', { lastKnownPresence: 'available' })).toMatchObject({ presence: 'online', lastSeen: null });
    expect(readPresence('111@lid', '111@lid', { lastKnownPresence: 'composing' })).toMatchObject({ presence: 'typing' });
    expect(readPresence('111@lid', '111@lid', { lastKnownPresence: 'recording' })).toMatchObject({ presence: 'recording' });
  });

  it('keeps last seen for offline only, when the contact shares it', () => {
    expect(readPresence('111@lid', '111@lid', { lastKnownPresence: 'unavailable', lastSeen: 1_750_000_000 })).toMatchObject({
      presence: 'offline',
      lastSeen: new Date(1_750_000_000_000),
    });
    expect(readPresence('111@lid', '111@lid', { lastKnownPresence: 'unavailable' })).toMatchObject({ presence: 'offline', lastSeen: null });
  });

  it('names the group as the chat of a chat state in a group', () => {
    expect(readPresence('1203@g.us', '111@lid', { lastKnownPresence: 'composing' })).toMatchObject({
      chatJid: '1203@g.us',
      contactJid: '111@lid',
    });
  });
});
