import {
  type BinaryNode,
  type GroupMetadata,
  type GroupParticipant,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  WAMessageAddressingMode,
} from '@whiskeysockets/baileys';
import type { WireSubgroup } from '../ports/communities.port';
import type { MemberOutcome, WireGroup, WireGroupMember, WireJoinRequest } from '../ports/groups.port';
import type { GroupAuthor, GroupChanges } from '../ports/session-events';

/**
 * Baileys' group shapes in the gateway's terms. Pure: the phone number of a LID that WhatsApp did not put
 * beside it comes from `phoneOf`, which the caller fills from the socket's LID mapping beforehand.
 */
export type PhoneOf = (lid: string) => string | null;

export const noPhones: PhoneOf = () => null;

/** Every LID a group names without its phone number beside it (what `phoneOf` must answer for). */
export function unpairedLids(meta: Partial<GroupMetadata>): string[] {
  const lids = (meta.participants ?? []).filter((p) => isLidUser(p.id) && !isPnUser(p.phoneNumber ?? '')).map((p) => p.id);
  if (meta.owner && isLidUser(meta.owner) && !meta.ownerPn) lids.push(meta.owner);
  if (meta.author && isLidUser(meta.author) && !meta.authorPn) lids.push(meta.author);
  return [...new Set(lids.map((lid) => jidNormalizedUser(lid)))];
}

/** A member named by LID or by phone number, with the other identity beside it when known. */
export function toWireMember(
  participant: Pick<GroupParticipant, 'id' | 'lid' | 'phoneNumber'>,
  phoneOf: PhoneOf,
): Omit<WireGroupMember, 'rank'> {
  const jid = jidNormalizedUser(participant.id);
  if (isLidUser(jid)) {
    const phone = participant.phoneNumber && isPnUser(participant.phoneNumber) ? jidNormalizedUser(participant.phoneNumber) : phoneOf(jid);
    return { jid, phoneJid: phone, lid: jid };
  }
  return {
    jid,
    phoneJid: isPnUser(jid) ? jid : null,
    lid: participant.lid && isLidUser(participant.lid) ? jidNormalizedUser(participant.lid) : null,
  };
}

export function toWireGroup(meta: GroupMetadata, phoneOf: PhoneOf): WireGroup {
  const owner = meta.owner ? jidNormalizedUser(meta.owner) : null;
  const ownerPhone = meta.ownerPn ? jidNormalizedUser(meta.ownerPn) : owner && isPnUser(owner) ? owner : owner ? phoneOf(owner) : null;
  return {
    jid: meta.id,
    subject: meta.subject ?? '',
    description: meta.desc ?? null,
    ownerJid: owner,
    ownerPhoneJid: ownerPhone,
    createdAt: meta.creation ? new Date(meta.creation * 1000) : null,
    announce: Boolean(meta.announce),
    restrict: Boolean(meta.restrict),
    // Baileys reads the mode as "members may add": the tag's presence with `all_member_add`
    memberAddMode: meta.memberAddMode ? 'all_member_add' : 'admin_add',
    joinApproval: Boolean(meta.joinApprovalMode),
    ephemeralSeconds: meta.ephemeralDuration ?? 0,
    size: meta.size ?? meta.participants.length,
    addressingMode: meta.addressingMode === WAMessageAddressingMode.LID ? 'lid' : 'pn',
    isCommunity: Boolean(meta.isCommunity),
    isCommunityAnnounce: Boolean(meta.isCommunityAnnounce),
    linkedParentJid: meta.linkedParent ?? null,
    members: meta.participants.map((p) => ({
      ...toWireMember(p, phoneOf),
      rank: p.admin === 'superadmin' ? 'creator' : p.admin === 'admin' ? 'admin' : 'member',
    })),
  };
}

/** Who made a change: the LID (or phone number) WhatsApp named, with the phone number beside it when known. */
export function toGroupAuthor(
  author: string | undefined | null,
  authorPn: string | undefined | null,
  phoneOf: PhoneOf,
): GroupAuthor | null {
  if (!author) return null;
  const jid = jidNormalizedUser(author);
  const phoneJid = authorPn && isPnUser(authorPn) ? jidNormalizedUser(authorPn) : isPnUser(jid) ? jid : phoneOf(jid);
  return { jid, phoneJid };
}

/**
 * The changes one `groups.update` entry announces, or null when it is not a change: Baileys also emits
 * `groups.update` with every group's full metadata when the group list is fetched (recognisable by its
 * `participants`), and that refresh is not news.
 */
export function groupChangesOf(update: Partial<GroupMetadata>): GroupChanges | null {
  if (Array.isArray(update.participants)) return null;
  const changes: GroupChanges = {};
  if (update.subject !== undefined) changes.subject = update.subject;
  if ('desc' in update) changes.description = update.desc ?? null;
  if (update.announce !== undefined) changes.announce = update.announce;
  if (update.restrict !== undefined) changes.restrict = update.restrict;
  if (update.memberAddMode !== undefined) changes.memberAddMode = update.memberAddMode ? 'all_member_add' : 'admin_add';
  if (update.joinApprovalMode !== undefined) changes.joinApproval = update.joinApprovalMode;
  if (update.ephemeralDuration !== undefined) changes.ephemeralSeconds = update.ephemeralDuration;
  if ('inviteCode' in update) changes.inviteRevoked = true;
  return Object.keys(changes).length ? changes : null;
}

/** Baileys' per-member answer of a bulk change (`status` as a string, the raw `<participant>` node beside it). */
export interface BaileysMemberResult {
  status: string;
  jid?: string;
  content?: BinaryNode;
}

/**
 * WhatsApp's answer for each member asked for, in the order asked and under the JID asked. WhatsApp names a
 * member under that JID, or (in a LID-addressed group) under their LID with the phone number beside it, or the
 * reverse. A member its answer does not name at all gets status 0: no answer is not a success.
 */
export function outcomesFor(requested: string[], results: BaileysMemberResult[]): MemberOutcome[] {
  const outcomes = toMemberOutcomes(results);
  const byJid = new Map<string, MemberOutcome>();
  results.forEach((result, index) => {
    for (const jid of [result.jid, result.content?.attrs.phone_number, result.content?.attrs.lid]) {
      if (jid) byJid.set(jidNormalizedUser(jid), outcomes[index]);
    }
  });
  return requested.map((jid) => {
    const outcome = byJid.get(jidNormalizedUser(jid));
    return outcome ? { ...outcome, jid } : { jid, status: 0, addRequest: null };
  });
}

export function toMemberOutcomes(results: BaileysMemberResult[]): MemberOutcome[] {
  return results.map((result) => {
    const request = result.content ? getBinaryNodeChild(result.content, 'add_request') : undefined;
    const expiration = Number(request?.attrs.expiration);
    return {
      jid: result.jid ?? '',
      status: Number(result.status) || 0,
      addRequest: request?.attrs.code && expiration ? { code: request.attrs.code, expiresAt: new Date(expiration * 1000) } : null,
    };
  });
}

/** A pending request to join, as `groupRequestParticipantsList` returns its attributes. */
export function toJoinRequest(attrs: Record<string, string | undefined>, phoneOf: PhoneOf): WireJoinRequest {
  const member = toWireMember({ id: attrs.jid ?? '', phoneNumber: attrs.phone_number, lid: attrs.lid }, phoneOf);
  const time = Number(attrs.request_time);
  return {
    jid: member.jid,
    phoneJid: member.phoneJid,
    requestedAt: time ? new Date(time * 1000) : null,
    method: attrs.request_method ?? null,
  };
}

/** A community's `<sub_groups>` answer: each linked group, the announcement group marked `<default_sub_group/>`. */
export function toSubgroups(result: BinaryNode): WireSubgroup[] {
  return getBinaryNodeChildren(getBinaryNodeChild(result, 'sub_groups'), 'group').map((group) => {
    const { id, subject, creation, creator, size } = group.attrs;
    return {
      jid: id.includes('@') ? id : `${id}@g.us`,
      subject: subject ?? '',
      createdAt: Number(creation) ? new Date(Number(creation) * 1000) : null,
      ownerJid: creator ? jidNormalizedUser(creator) : null,
      size: size !== undefined && size !== '' ? Number(size) : null,
      isAnnouncement: Boolean(getBinaryNodeChild(group, 'default_sub_group')),
    };
  });
}
