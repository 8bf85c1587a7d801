import { PRIVACY_VALUES } from '../../ports/privacy.port';
import { fromWire, PRIVACY_WIRE_NAMES } from './baileys-privacy';

describe('privacy settings as WhatsApp names them', () => {
  it("reads WhatsApp's categories into the port's names", () => {
    expect(
      fromWire({
        last: 'contacts',
        online: 'match_last_seen',
        profile: 'none',
        status: 'contact_blacklist',
        readreceipts: 'none',
        groupadd: 'all',
        calladd: 'known',
      }),
    ).toEqual({
      lastSeen: 'contacts',
      online: 'match_last_seen',
      profilePicture: 'none',
      about: 'contact_blacklist',
      readReceipts: 'none',
      groupsAdd: 'all',
      calls: 'known',
    });
  });

  it('leaves out categories it does not know and values a setting does not take', () => {
    expect(fromWire({ messages: 'contacts', online: 'none', calladd: 'contacts', last: 'all' })).toEqual({ lastSeen: 'all' });
  });

  it('names every setting of the port on the wire, each once', () => {
    expect(Object.keys(PRIVACY_WIRE_NAMES).sort()).toEqual(Object.keys(PRIVACY_VALUES).sort());
    expect(new Set(Object.values(PRIVACY_WIRE_NAMES)).size).toBe(Object.keys(PRIVACY_WIRE_NAMES).length);
  });
});
