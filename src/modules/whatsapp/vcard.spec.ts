import { buildVcard, readVcard } from './vcard';

describe('vCards', () => {
  it('round-trips name, phones and organization', () => {
    const vcard = buildVcard({ name: 'Ann, Jr.', phones: [{ phone: '+15550001111', type: 'work' }], organization: 'Acme' });
    expect(readVcard('Ann, Jr.', vcard)).toEqual({
      name: 'Ann, Jr.',
      phones: [{ phone: '+15550001111', type: 'WORK' }],
      organization: 'Acme',
      vcard,
    });
  });
});
