import { type BinaryNode, type GroupMetadata, WAMessageAddressingMode } from '@whiskeysockets/baileys';
import {
  groupChangesOf,
  noPhones,
  outcomesFor,
  toGroupAuthor,
  toJoinRequest,
  toMemberOutcomes,
  toSubgroups,
  toWireGroup,
  unpairedLids,
} from './baileys-group-mapping';

const ANA_LID = '111111111111111@lid';
const ANA = '15550001111@s.whatsapp.net';
const BEN_LID = '222222222222222@lid';
const BEN = '15550002222@s.whatsapp.net';

function metadata(overrides: Partial<GroupMetadata> = {}): GroupMetadata {
  return {
    id: '120363000000000001@g.us',
    subject: 'Team',
    owner: ANA_LID,
    ownerPn: ANA,
    creation: 1_700_000_000,
    addressingMode: WAMessageAddressingMode.LID,
    participants: [
      { id: ANA_LID, phoneNumber: ANA, admin: 'superadmin' },
      { id: BEN_LID, admin: 'admin' },
      { id: '15550003333@s.whatsapp.net', lid: '333333333333333@lid', admin: null },
    ],
    ...overrides,
  };
}

describe('Baileys group metadata → WireGroup', () => {
  it('ranks members, pairs each LID with its phone number (beside it, or from the LID mapping), and reads the flags', () => {
    const phoneOf = (lid: string) => (lid === BEN_LID ? BEN : null);
    expect(toWireGroup(metadata({ desc: 'About', announce: true, memberAddMode: true, ephemeralDuration: 86_400 }), phoneOf)).toEqual({
      jid: '120363000000000001@g.us',
      subject: 'Team',
      description: 'About',
      ownerJid: ANA_LID,
      ownerPhoneJid: ANA,
      createdAt: new Date(1_700_000_000_000),
      announce: true,
      restrict: false,
      memberAddMode: 'all_member_add',
      joinApproval: false,
      ephemeralSeconds: 86_400,
      size: 3,
      addressingMode: 'lid',
      isCommunity: false,
      isCommunityAnnounce: false,
      linkedParentJid: null,
      members: [
        { jid: ANA_LID, lid: ANA_LID, phoneJid: ANA, rank: 'creator' },
        { jid: BEN_LID, lid: BEN_LID, phoneJid: BEN, rank: 'admin' },
        { jid: '15550003333@s.whatsapp.net', lid: '333333333333333@lid', phoneJid: '15550003333@s.whatsapp.net', rank: 'member' },
      ],
    });
  });

  it('reads an absent add mode as admins only, and an unknown LID as having no phone number', () => {
    const group = toWireGroup(metadata({ memberAddMode: false, ownerPn: undefined, owner: BEN_LID }), noPhones);
    expect(group).toMatchObject({ memberAddMode: 'admin_add', ownerJid: BEN_LID, ownerPhoneJid: null });
    expect(group.members[1]).toEqual({ jid: BEN_LID, lid: BEN_LID, phoneJid: null, rank: 'admin' });
  });

  it('lists the LIDs that need the LID mapping: those WhatsApp named without a phone number', () => {
    expect(unpairedLids(metadata({ author: '444444444444444@lid' }))).toEqual([BEN_LID, '444444444444444@lid']);
  });
});

describe('groups.update entries → group changes', () => {
  it('keeps only what changed', () => {
    expect(groupChangesOf({ id: 'g', subject: 'New', author: ANA_LID })).toEqual({ subject: 'New' });
    expect(groupChangesOf({ id: 'g', announce: false })).toEqual({ announce: false });
    expect(groupChangesOf({ id: 'g', restrict: true })).toEqual({ restrict: true });
    expect(groupChangesOf({ id: 'g', memberAddMode: false })).toEqual({ memberAddMode: 'admin_add' });
    expect(groupChangesOf({ id: 'g', joinApprovalMode: true })).toEqual({ joinApproval: true });
    expect(groupChangesOf({ id: 'g', inviteCode: 'XYZ' })).toEqual({ inviteRevoked: true });
  });

  it('reads a description set to nothing as removed', () => {
    expect(groupChangesOf({ id: 'g', desc: undefined })).toEqual({ description: null });
    expect(groupChangesOf({ id: 'g', desc: 'Words' })).toEqual({ description: 'Words' });
  });

  it('ignores the full metadata a group list refresh emits, and entries that change nothing', () => {
    expect(groupChangesOf(metadata())).toBeNull();
    expect(groupChangesOf({ id: 'g', author: ANA_LID })).toBeNull();
  });

  it('names the author by the jid WhatsApp used, with its phone number when known', () => {
    expect(toGroupAuthor(ANA_LID, ANA, noPhones)).toEqual({ jid: ANA_LID, phoneJid: ANA });
    expect(toGroupAuthor(BEN_LID, undefined, (lid) => (lid === BEN_LID ? BEN : null))).toEqual({ jid: BEN_LID, phoneJid: BEN });
    expect(toGroupAuthor(BEN, undefined, noPhones)).toEqual({ jid: BEN, phoneJid: BEN });
    expect(toGroupAuthor(undefined, undefined, noPhones)).toBeNull();
  });
});

describe('bulk answers', () => {
  it('reads each member’s status and the invitation offered for a privacy refusal', () => {
    const outcomes = toMemberOutcomes([
      { status: '200', jid: BEN },
      {
        status: '403',
        jid: ANA,
        content: {
          tag: 'participant',
          attrs: { jid: ANA, error: '403' },
          content: [{ tag: 'add_request', attrs: { code: 'CODE', expiration: '1700000000' } }],
        },
      },
      { status: '409', jid: '15550003333@s.whatsapp.net' },
    ]);
    expect(outcomes).toEqual([
      { jid: BEN, status: 200, addRequest: null },
      { jid: ANA, status: 403, addRequest: { code: 'CODE', expiresAt: new Date(1_700_000_000_000) } },
      { jid: '15550003333@s.whatsapp.net', status: 409, addRequest: null },
    ]);
  });

  it('answers for each member asked, in that order, matched under their LID or phone number, and none for one not named', () => {
    const CY = '15550003333@s.whatsapp.net';
    const outcomes = outcomesFor(
      [ANA, BEN_LID, CY],
      [
        // a LID-addressed group names Ana by LID, her phone number beside it; Ben by phone number, his LID beside it
        { status: '403', jid: ANA_LID, content: { tag: 'participant', attrs: { jid: ANA_LID, phone_number: ANA, error: '403' } } },
        { status: '200', jid: BEN, content: { tag: 'participant', attrs: { jid: BEN, lid: BEN_LID } } },
      ],
    );
    expect(outcomes).toEqual([
      { jid: ANA, status: 403, addRequest: null },
      { jid: BEN_LID, status: 200, addRequest: null },
      { jid: CY, status: 0, addRequest: null },
    ]);
  });

  it('reads a request to join', () => {
    expect(toJoinRequest({ jid: ANA_LID, phone_number: ANA, request_time: '1700000000', request_method: 'invite_link' }, noPhones)).toEqual(
      {
        jid: ANA_LID,
        phoneJid: ANA,
        requestedAt: new Date(1_700_000_000_000),
        method: 'invite_link',
      },
    );
    expect(toJoinRequest({ jid: BEN_LID }, noPhones)).toEqual({ jid: BEN_LID, phoneJid: null, requestedAt: null, method: null });
  });
});

describe('toSubgroups', () => {
  it("reads a community's <sub_groups>, the announcement group marked", () => {
    const result: BinaryNode = {
      tag: 'iq',
      attrs: {},
      content: [
        {
          tag: 'sub_groups',
          attrs: {},
          content: [
            {
              tag: 'group',
              attrs: { id: '120363000000000002', subject: 'News', creation: '1700000000', creator: ANA_LID, size: '3' },
              content: [{ tag: 'default_sub_group', attrs: {} }],
            },
            { tag: 'group', attrs: { id: '120363000000000003@g.us', subject: 'Garden' } },
          ],
        },
      ],
    };
    expect(toSubgroups(result)).toEqual([
      {
        jid: '120363000000000002@g.us',
        subject: 'News',
        createdAt: new Date(1_700_000_000_000),
        ownerJid: ANA_LID,
        size: 3,
        isAnnouncement: true,
      },
      { jid: '120363000000000003@g.us', subject: 'Garden', createdAt: null, ownerJid: null, size: null, isAnnouncement: false },
    ]);
    expect(toSubgroups({ tag: 'iq', attrs: {} })).toEqual([]);
  });
});
