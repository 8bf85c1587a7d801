import { toPrivacyChange, toPrivacySettings, updatePrivacySchema } from './privacy.contracts';

describe('privacy settings contracts', () => {
  it("maps the API's names to the port's, leaving out what is not given", () => {
    expect(toPrivacyChange({ last_seen: 'none', read_receipts: 'all', default_disappearing_seconds: 0 })).toEqual({
      lastSeen: 'none',
      readReceipts: 'all',
      defaultDisappearingSeconds: 0,
    });
  });

  it('shows a setting WhatsApp did not report as null', () => {
    expect(toPrivacySettings({ online: 'all', defaultDisappearingSeconds: 86_400 })).toEqual({
      last_seen: null,
      online: 'all',
      profile_picture: null,
      about: null,
      read_receipts: null,
      groups_add: null,
      calls: null,
      default_disappearing_seconds: 86_400,
    });
  });

  it.each([
    [{ online: 'contacts' }],
    [{ read_receipts: 'contacts' }],
    [{ groups_add: 'none' }],
    [{ calls: 'contacts' }],
    [{ default_disappearing_seconds: 3600 }],
    [{ last_seen: 'everyone' }],
    [{}],
    [{ messages: 'all' }],
  ])('refuses %j', (body) => {
    expect(updatePrivacySchema.safeParse(body).success).toBe(false);
  });

  it('takes each value WhatsApp accepts', () => {
    expect(updatePrivacySchema.safeParse({ online: 'match_last_seen', groups_add: 'contact_blacklist', calls: 'known' }).success).toBe(
      true,
    );
  });
});
