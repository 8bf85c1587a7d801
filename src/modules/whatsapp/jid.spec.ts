import { AppError } from '../../platform/errors/app-error';
import { keyOfStoredMessage, numberOf, parseGroupJid, parseParticipant, parseRecipient, phoneOf, toUserJid } from './jid';

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

describe('phone numbers and user JIDs', () => {
  it('turns a phone number into its user JID and back', () => {
    expect(toUserJid('+1 555 123-4567')).toBe('15551234567@s.whatsapp.net');
    expect(phoneOf('15551234567@s.whatsapp.net')).toBe('+15551234567');
    expect(numberOf('15551234567:2@s.whatsapp.net')).toBe('15551234567');
  });

  it('has no phone number for LIDs and groups', () => {
    expect(phoneOf('123456789012345@lid')).toBeNull();
    expect(numberOf('120363012345678901@g.us')).toBeNull();
  });
});

describe('keyOfStoredMessage', () => {
  const group = '120363012345678901@g.us';
  const author = '15550001111@s.whatsapp.net';

  it('names the author of a group message this account received', () => {
    expect(keyOfStoredMessage({ chatJid: group, waMessageId: 'W1', direction: 'inbound', senderJid: author })).toEqual({
      chatJid: group,
      waMessageId: 'W1',
      fromMe: false,
      participant: author,
    });
  });

  it('names no participant for its own messages nor in one-to-one chats', () => {
    expect(keyOfStoredMessage({ chatJid: group, waMessageId: 'W2', direction: 'outbound', senderJid: null })).toEqual({
      chatJid: group,
      waMessageId: 'W2',
      fromMe: true,
    });
    expect(keyOfStoredMessage({ chatJid: author, waMessageId: 'W3', direction: 'inbound', senderJid: author })).toEqual({
      chatJid: author,
      waMessageId: 'W3',
      fromMe: false,
    });
  });
});

describe('group JIDs and participants', () => {
  const codeOf = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return error instanceof AppError
        ? { code: error.code, issue: (error.details as { issues: Array<{ code: string }> }).issues[0].code }
        : error;
    }
    return 'accepted';
  };

  it('reads participants as user JIDs or LIDs, and refuses a group', () => {
    expect(parseParticipant('+15551234567')).toBe('15551234567@s.whatsapp.net');
    expect(parseParticipant('123456789012345@lid')).toBe('123456789012345@lid');
    expect(codeOf(() => parseParticipant('120363012345678901@g.us', ['participants', 0]))).toEqual({
      code: 'invalid_request',
      issue: 'invalid_participant',
    });
    expect(codeOf(() => parseParticipant('nobody'))).toEqual({ code: 'invalid_request', issue: 'invalid_recipient' });
  });

  it('reads group JIDs only', () => {
    expect(parseGroupJid('120363012345678901@g.us')).toBe('120363012345678901@g.us');
    expect(parseGroupJid('15551234567-1600000000@g.us')).toBe('15551234567-1600000000@g.us');
    for (const value of ['+15551234567', '15551234567@s.whatsapp.net', '123@lid', 'abc@g.us', '']) {
      expect(codeOf(() => parseGroupJid(value))).toEqual({ code: 'invalid_request', issue: 'invalid_group_id' });
    }
  });
});
