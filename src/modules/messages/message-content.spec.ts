import { AppError } from '../../platform/errors/app-error';
import { buildVcard, parseRecipient, readVcard } from './message-content';

describe('parseRecipient', () => {
  it.each([
    ['+15551234567', '15551234567@s.whatsapp.net'],
    ['15551234567', '15551234567@s.whatsapp.net'],
    ['15551234567@s.whatsapp.net', '15551234567@s.whatsapp.net'],
    ['15551234567:3@s.whatsapp.net', '15551234567@s.whatsapp.net'],
    ['15551234567@c.us', '15551234567@s.whatsapp.net'],
    ['123456789012345@lid', '123456789012345@lid'],
    ['120363012345678901@g.us', '120363012345678901@g.us'],
    ['15551234567-1600000000@g.us', '15551234567-1600000000@g.us'],
  ])('reads %s as %s', (input, jid) => expect(parseRecipient(input)).toBe(jid));

  it.each(['', '+0123', 'abc', '123@example.com', '+1555123456789012345', 'x@lid'])('refuses %p naming the field', (input) => {
    try {
      parseRecipient(input, ['to']);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_request');
    }
  });
});

describe('vCards', () => {
  it('round-trips name, phones and organization', () => {
    const vcard = buildVcard({ name: 'Ann, Jr.', phones: [{ phone: '+15550001111', type: 'work' }], organization: 'Acme' });
    expect(readVcard('Ann, Jr.', vcard)).toEqual({ name: 'Ann, Jr.', phones: [{ phone: '+15550001111', type: 'WORK' }], organization: 'Acme', vcard });
  });
});
