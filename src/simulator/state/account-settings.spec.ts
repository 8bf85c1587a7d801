import { acceptsPrivacyValue, defaultPrivacy, lastSeenShown, onlineShown, shownTo } from './account-settings';

describe('what privacy settings show, and to whom', () => {
  const contacts = new Set(['1@s.whatsapp.net']);

  it('shows to everyone, to contacts only, or to nobody', () => {
    expect(shownTo('all', contacts, '2@s.whatsapp.net')).toBe(true);
    expect(shownTo('contacts', contacts, '1@s.whatsapp.net')).toBe(true);
    expect(shownTo('contacts', contacts, '2@s.whatsapp.net')).toBe(false);
    expect(shownTo('contact_blacklist', contacts, '1@s.whatsapp.net')).toBe(true);
    expect(shownTo('none', contacts, '1@s.whatsapp.net')).toBe(false);
  });

  it('shows online to the last-seen audience when it matches last seen', () => {
    const privacy = { ...defaultPrivacy(), last: 'contacts' as const, online: 'match_last_seen' as const };
    expect(lastSeenShown(privacy, contacts, '2@s.whatsapp.net')).toBe(false);
    expect(onlineShown(privacy, contacts, '2@s.whatsapp.net')).toBe(false);
    expect(onlineShown({ ...privacy, online: 'all' }, contacts, '2@s.whatsapp.net')).toBe(true);
  });

  it('accepts only the values WhatsApp takes for each category', () => {
    expect(acceptsPrivacyValue('online', 'match_last_seen')).toBe(true);
    expect(acceptsPrivacyValue('online', 'contacts')).toBe(false);
    expect(acceptsPrivacyValue('calladd', 'known')).toBe(true);
    expect(acceptsPrivacyValue('readreceipts', 'contacts')).toBe(false);
    expect(acceptsPrivacyValue('nonsense', 'all')).toBe(false);
    expect(acceptsPrivacyValue('last', undefined)).toBe(false);
  });
});
