import { isLidUser, isPnUser, jidNormalizedUser, type PresenceData, type WAPresence, type WASocket } from '@whiskeysockets/baileys';
import type { WirePresence } from '../ports/presence.port';
import type { PresenceEvent } from '../ports/session-events';

/** Baileys' presence in the gateway's terms. Baileys reads a `paused` chat state as `available`: `online`. */
const PRESENCE: Record<WAPresence, WirePresence> = {
  available: 'online',
  unavailable: 'offline',
  composing: 'typing',
  recording: 'recording',
  paused: 'paused',
};

export function readPresence(
  chatJid: string,
  participant: string,
  data: PresenceData,
): Omit<PresenceEvent, 'contactPhoneJid' | 'contactLid'> {
  const presence = PRESENCE[data.lastKnownPresence] ?? 'online';
  return {
    type: 'presence',
    chatJid: jidNormalizedUser(chatJid),
    contactJid: jidNormalizedUser(participant),
    presence,
    lastSeen: presence === 'offline' && data.lastSeen ? new Date(data.lastSeen * 1000) : null,
  };
}

/** Turns Baileys' `presence.update` into presence events, with the contact's phone number and LID when known. */
export function attachPresenceEvents(socket: WASocket, emit: (event: PresenceEvent) => void): void {
  let lane: Promise<void> = Promise.resolve();
  const { lidMapping } = socket.signalRepository;
  const known = (lookup: Promise<string | null | undefined>) =>
    lookup.then(
      (jid) => (jid ? jidNormalizedUser(jid) : null),
      () => null,
    );
  socket.ev.on('presence.update', ({ id, presences }) => {
    lane = lane
      .then(async () => {
        for (const [participant, data] of Object.entries(presences)) {
          const event = readPresence(id, participant, data);
          const lid = isLidUser(event.contactJid);
          const pn = isPnUser(event.contactJid);
          const contactPhoneJid = pn ? event.contactJid : lid ? await known(lidMapping.getPNForLID(event.contactJid)) : null;
          const contactLid = lid ? event.contactJid : pn ? await known(lidMapping.getLIDForPN(event.contactJid)) : null;
          emit({ ...event, contactPhoneJid, contactLid });
        }
      })
      .catch(() => undefined);
  });
}
