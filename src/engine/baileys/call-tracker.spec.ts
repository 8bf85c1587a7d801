import type { BinaryNode } from '@whiskeysockets/baileys';
import { readCallStanza } from './call-tracker';

const call = (action: BinaryNode): BinaryNode => ({ tag: 'call', attrs: { from: '111@lid', id: '1', t: '1750000000' }, content: [action] });
const ids = { 'call-id': 'C1', 'call-creator': '111@lid' };

describe('readCallStanza (WhatsApp call stanzas → gateway terms)', () => {
  it('reads an offer with the phone number WhatsApp gave beside the LID', () => {
    const offer = call({
      tag: 'offer',
      attrs: { ...ids, caller_pn: '15551234567@s.whatsapp.net' },
      content: [{ tag: 'video', attrs: {} }],
    });
    expect(readCallStanza(offer)).toEqual({
      kind: 'offer',
      call: {
        callId: 'C1',
        fromJid: '111@lid',
        fromPhoneJid: '15551234567@s.whatsapp.net',
        isVideo: true,
        isGroup: false,
        groupJid: null,
        offeredAt: new Date(1_750_000_000_000),
      },
    });
  });

  it('marks group calls and reads terminations with their reason and duration', () => {
    const group = readCallStanza(call({ tag: 'offer', attrs: { ...ids, 'group-jid': '1203@g.us' } }));
    expect(group).toMatchObject({ call: { isGroup: true, groupJid: '1203@g.us', isVideo: false, fromPhoneJid: null } });
    expect(readCallStanza(call({ tag: 'terminate', attrs: { ...ids, reason: 'timeout' } }))).toMatchObject({
      kind: 'terminate',
      timeout: true,
      durationSeconds: null,
    });
    expect(readCallStanza(call({ tag: 'terminate', attrs: { ...ids, duration: '42' } }))).toMatchObject({
      timeout: false,
      durationSeconds: 42,
    });
    expect(readCallStanza(call({ tag: 'accept', attrs: ids }))).toMatchObject({ kind: 'accept', callId: 'C1' });
    expect(readCallStanza(call({ tag: 'reject', attrs: ids }))).toMatchObject({ kind: 'reject', callId: 'C1' });
  });

  it('ignores device-to-device signalling and stanzas without a call id', () => {
    expect(readCallStanza(call({ tag: 'transport', attrs: ids }))).toBeNull();
    expect(readCallStanza(call({ tag: 'relaylatency', attrs: ids }))).toBeNull();
    expect(readCallStanza(call({ tag: 'offer', attrs: {} }))).toBeNull();
  });
});
