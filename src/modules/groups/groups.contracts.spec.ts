import type { WireGroup } from '../../engine/ports/groups.port';
import { groupSchema, participantResultSchema, toGroup, toParticipantResult } from './groups.contracts';
import { GROUP_EVENTS, toAuthor, toGroupChanges } from './groups.events';

const wireGroup = (overrides: Partial<WireGroup> = {}): WireGroup => ({
  jid: '120363000000000001@g.us',
  subject: 'Weekend',
  description: null,
  ownerJid: '100000000000001@lid',
  ownerPhoneJid: '15550000001@s.whatsapp.net',
  createdAt: new Date('2026-11-01T10:00:00Z'),
  announce: false,
  restrict: true,
  memberAddMode: 'admin_add',
  joinApproval: false,
  ephemeralSeconds: 0,
  size: 2,
  addressingMode: 'lid',
  isCommunity: false,
  isCommunityAnnounce: false,
  linkedParentJid: null,
  members: [
    { jid: '100000000000001@lid', phoneJid: '15550000001@s.whatsapp.net', lid: '100000000000001@lid', rank: 'creator' },
    { jid: '100000000000002@lid', phoneJid: null, lid: '100000000000002@lid', rank: 'member' },
  ],
  ...overrides,
});

describe('toGroup', () => {
  it('shows settings as policies and members with phone and LID, never a LID as a phone', () => {
    const group = toGroup(wireGroup());
    expect(groupSchema.parse(group)).toEqual(group);
    expect(group.settings).toEqual({
      send_messages: 'anyone',
      edit_group_info: 'admins',
      add_participants: 'admins',
      approve_participants: 'anyone',
    });
    expect(group.owner_phone).toBe('+15550000001');
    expect(group.participants).toEqual([
      { id: '100000000000001@lid', phone: '+15550000001', lid: '100000000000001@lid', rank: 'creator' },
      { id: '100000000000002@lid', phone: null, lid: '100000000000002@lid', rank: 'member' },
    ]);
  });

  it('reads the phone from a phone-number JID when the group is not LID-addressed', () => {
    const group = toGroup(
      wireGroup({
        addressingMode: 'pn',
        ownerJid: '15550000001@s.whatsapp.net',
        ownerPhoneJid: null,
        members: [{ jid: '15550000003@s.whatsapp.net', phoneJid: null, lid: null, rank: 'admin' }],
      }),
    );
    expect(group.owner_phone).toBe('+15550000001');
    expect(group.participants).toEqual([{ id: '15550000003@s.whatsapp.net', phone: '+15550000003', lid: null, rank: 'admin' }]);
  });
});

describe('toParticipantResult', () => {
  it.each([
    [200, 'add', 'processed', null],
    [403, 'add', 'failed', 'privacy_refused'],
    [409, 'add', 'failed', 'already_member'],
    [408, 'add', 'failed', 'recently_left'],
    [404, 'add', 'failed', 'not_on_whatsapp'],
    [404, 'remove', 'failed', 'not_member'],
    [404, 'approve', 'failed', 'no_application'],
    [401, 'promote', 'failed', 'not_allowed'],
    [500, 'demote', 'failed', 'whatsapp_500'],
  ] as const)('reads WhatsApp status %s of %s as %s (%s)', (status, action, outcome, reason) => {
    const result = toParticipantResult({ jid: '15550000002@s.whatsapp.net', status, addRequest: null }, action, '+15550000002');
    expect(participantResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      participant: '+15550000002',
      id: '15550000002@s.whatsapp.net',
      status: outcome,
      reason,
      whatsapp_status: status,
    });
  });
});

describe('group changes', () => {
  it('carries only what changed, settings as policies', () => {
    const { changed, changes } = toGroupChanges({ announce: true, memberAddMode: 'all_member_add', ephemeralSeconds: 86_400 });
    expect(changed).toEqual(['settings', 'ephemeral_seconds']);
    expect(changes).toEqual({ settings: { send_messages: 'admins', add_participants: 'anyone' }, ephemeral_seconds: 86_400 });
    const payload = { group_id: '120363000000000001@g.us', author: toAuthor(null), changed, changes };
    expect(GROUP_EVENTS['group.updated'].schema.parse(payload)).toEqual(payload);
  });

  it('tells a removed description, an icon and a revoked link apart', () => {
    expect(toGroupChanges({ description: null, icon: 'removed', inviteRevoked: true })).toEqual({
      changed: ['description', 'icon', 'invite_code'],
      changes: { description: null, icon: 'removed', invite_code: 'revoked' },
    });
    expect(toGroupChanges({})).toEqual({ changed: [], changes: {} });
  });

  it('names the author by phone when WhatsApp shares it', () => {
    expect(toAuthor({ jid: '100000000000001@lid', phoneJid: '15550000001@s.whatsapp.net' })).toEqual({
      id: '100000000000001@lid',
      phone: '+15550000001',
    });
    expect(toAuthor({ jid: '100000000000001@lid', phoneJid: null })).toEqual({ id: '100000000000001@lid', phone: null });
  });
});
