import type { WireGroup } from '../../engine/ports/groups.port';
import { toCommunityMark } from '../groups/groups.events';
import { communitySchema, createCommunityGroupSchema, parseCommunityJid, toCommunity } from './communities.contracts';

const community: WireGroup = {
  jid: '120363000000000001@g.us',
  subject: 'Street',
  description: 'Our street',
  ownerJid: '100000000000001@lid',
  ownerPhoneJid: '15550000001@s.whatsapp.net',
  createdAt: new Date('2026-11-01T10:00:00Z'),
  announce: false,
  restrict: false,
  memberAddMode: 'admin_add',
  joinApproval: false,
  ephemeralSeconds: 0,
  size: 1,
  addressingMode: 'lid',
  isCommunity: true,
  isCommunityAnnounce: false,
  linkedParentJid: null,
  members: [{ jid: '100000000000001@lid', phoneJid: '15550000001@s.whatsapp.net', lid: '100000000000001@lid', rank: 'creator' }],
};

describe('communities contracts', () => {
  it('shows a community with its announcement group apart from its other groups, in the published schema', () => {
    const subgroup = { subject: 'x', createdAt: null, ownerJid: '15550000001@s.whatsapp.net', size: 2 };
    const shown = toCommunity(community, [
      { ...subgroup, jid: '120363000000000002@g.us', isAnnouncement: false },
      { ...subgroup, jid: '120363000000000003@g.us', isAnnouncement: true },
    ]);
    expect(shown.announcement_group).toMatchObject({ id: '120363000000000003@g.us', is_announcement: true, owner_phone: '+15550000001' });
    expect(shown.subgroups.map((g) => g.id)).toEqual(['120363000000000002@g.us']);
    expect(shown).toMatchObject({ is_community: true, community_id: null, owner_phone: '+15550000001' });
    expect(communitySchema.safeParse(shown).success).toBe(true);
    expect(toCommunity(community, []).announcement_group).toBeNull();
  });

  it('reads community ids and group bodies', () => {
    expect(parseCommunityJid('120363000000000001@g.us')).toBe('120363000000000001@g.us');
    expect(() => parseCommunityJid('15550000001@s.whatsapp.net')).toThrow(/communityId/);
    expect(createCommunityGroupSchema.safeParse({ subject: 'Garden' }).success).toBe(true);
    expect(createCommunityGroupSchema.safeParse({ subject: 'Garden', participants: [] }).success).toBe(false);
  });

  it('marks events of communities and their groups, never of a plain group', () => {
    expect(toCommunityMark({ isCommunity: true, communityJid: null })).toEqual({ is_community: true, community_id: null });
    expect(toCommunityMark({ isCommunity: false, communityJid: 'p@g.us' })).toEqual({ is_community: false, community_id: 'p@g.us' });
    expect(toCommunityMark({ isCommunity: false, communityJid: null })).toEqual({});
    expect(toCommunityMark(null)).toEqual({});
  });
});
