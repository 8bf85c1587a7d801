import { AppError } from '../../platform/errors/app-error';
import { toBlockedContact } from './blocklist.contracts';
import { contactJid } from './blocklist.service';

describe('blocked contacts', () => {
  it('shows a phone-number JID with its number, a LID as a LID', () => {
    expect(toBlockedContact('15550001111@s.whatsapp.net')).toEqual({
      jid: '15550001111@s.whatsapp.net',
      phone_number: '+15550001111',
      lid: null,
    });
    expect(toBlockedContact('123456789012345@lid')).toEqual({ jid: '123456789012345@lid', phone_number: null, lid: '123456789012345@lid' });
  });

  it('reads a contact as E.164, user JID or LID, and refuses a group or anything else', () => {
    expect(contactJid('+15550001111')).toBe('15550001111@s.whatsapp.net');
    expect(contactJid('15550001111@s.whatsapp.net')).toBe('15550001111@s.whatsapp.net');
    expect(contactJid('123456789012345@lid')).toBe('123456789012345@lid');
    for (const contact of ['120363012345678901@g.us', 'someone']) {
      expect(() => contactJid(contact)).toThrow(AppError);
    }
  });
});
