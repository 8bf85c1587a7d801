import { Injectable } from '@nestjs/common';
import {
  type BinaryNode,
  type GroupMetadata,
  type LIDMapping,
  type MiscMessageGenerationOptions,
  type WASocket,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
} from '@whiskeysockets/baileys';
import { AppError } from '../../../platform/errors/app-error';
import {
  GroupsPort,
  type GroupSettingChange,
  type InviteAcceptance,
  type MemberAction,
  type MemberOutcome,
  type WireGroup,
  type WireJoinRequest,
} from '../../ports/groups.port';
import { iqErrorCode, toGroupAppError } from '../baileys-errors';
import { outcomesFor, type PhoneOf, toJoinRequest, toWireGroup, unpairedLids } from '../baileys-group-mapping';
import { BaileysSockets } from '../baileys-sockets';
import { GroupMetadataCache } from '../group-metadata-cache';

/** Groups over the channel's socket: every call one WhatsApp request (or the few Baileys makes for it). */
@Injectable()
export class BaileysGroups extends GroupsPort {
  constructor(
    private readonly sockets: BaileysSockets,
    private readonly cache: GroupMetadataCache,
  ) {
    super();
  }

  list(channelId: string): Promise<WireGroup[]> {
    return this.call(channelId, 'list', async (socket) => {
      const groups = Object.values(await socket.groupFetchAllParticipating());
      groups.forEach((meta) => this.cache.set(channelId, meta));
      await rememberPairs(
        socket,
        groups.flatMap((meta) => meta.participants),
      );
      const phoneOf = await phonesOf(socket, groups.flatMap(unpairedLids));
      return groups.map((meta) => toWireGroup(meta, phoneOf));
    });
  }

  get(channelId: string, groupJid: string): Promise<WireGroup> {
    return this.call(channelId, 'get', (socket) => this.fetch(channelId, socket, groupJid));
  }

  create(channelId: string, subject: string, memberJids: string[], description?: string) {
    return this.call(channelId, 'create', async (socket) => {
      // Baileys' groupCreate reads refused members as members: the answer is read here instead
      const result = await groupQuery(socket, {
        tag: 'iq',
        attrs: { type: 'set', xmlns: 'w:g2', to: '@g.us' },
        content: [
          {
            tag: 'create',
            attrs: { subject, key: socket.generateMessageTag() },
            content: memberJids.map((jid) => ({ tag: 'participant', attrs: { jid } })),
          },
        ],
      });
      const created = getBinaryNodeChild(result, 'group');
      if (!created?.attrs.id) throw new AppError('internal_error', 'WhatsApp answered the group creation without a group.');
      const groupJid = created.attrs.id.includes('@') ? created.attrs.id : `${created.attrs.id}@g.us`;
      const outcomes = createOutcomes(created, memberJids);
      if (description) await socket.groupUpdateDescription(groupJid, description);
      return { group: await this.fetch(channelId, socket, groupJid), outcomes };
    });
  }

  leave(channelId: string, groupJid: string): Promise<void> {
    return this.call(channelId, 'leave', async (socket) => {
      await socket.groupLeave(groupJid);
      this.cache.forget(channelId, groupJid);
    });
  }

  setSubject(channelId: string, groupJid: string, subject: string): Promise<void> {
    return this.call(channelId, 'setSubject', (socket) => socket.groupUpdateSubject(groupJid, subject));
  }

  setDescription(channelId: string, groupJid: string, description: string | null): Promise<void> {
    return this.call(channelId, 'setDescription', (socket) => socket.groupUpdateDescription(groupJid, description ?? undefined));
  }

  changeSetting(channelId: string, groupJid: string, change: GroupSettingChange): Promise<void> {
    return this.call(channelId, 'changeSetting', async (socket) => {
      if ('announce' in change) await socket.groupSettingUpdate(groupJid, change.announce ? 'announcement' : 'not_announcement');
      else if ('restrict' in change) await socket.groupSettingUpdate(groupJid, change.restrict ? 'locked' : 'unlocked');
      else if ('memberAddMode' in change) await socket.groupMemberAddMode(groupJid, change.memberAddMode);
      else if ('joinApproval' in change) await socket.groupJoinApprovalMode(groupJid, change.joinApproval ? 'on' : 'off');
      else await socket.groupToggleEphemeral(groupJid, change.ephemeralSeconds);
    });
  }

  changeMembers(channelId: string, groupJid: string, jids: string[], action: MemberAction): Promise<MemberOutcome[]> {
    return this.call(channelId, 'changeMembers', async (socket) =>
      outcomesFor(jids, await socket.groupParticipantsUpdate(groupJid, jids, action)),
    );
  }

  sendAddRequest(
    channelId: string,
    group: { jid: string; subject: string },
    memberJid: string,
    addRequest: { code: string; expiresAt: Date },
  ): Promise<string> {
    return this.call(channelId, 'sendAddRequest', async (socket) => {
      const sent = await socket.sendMessage(
        memberJid,
        {
          groupInvite: {
            jid: group.jid,
            subject: group.subject,
            inviteCode: addRequest.code,
            inviteExpiration: Math.floor(addRequest.expiresAt.getTime() / 1000),
            text: '',
          },
        },
        // Baileys puts the group's icon in the invitation and fails the whole send when the group has none
        // (WhatsApp answers 404); its generation options take this override although the type omits it
        {
          getProfilePicUrl: (jid: string, type: 'preview' | 'image') => socket.profilePictureUrl(jid, type).catch(() => undefined),
        } as MiscMessageGenerationOptions,
      );
      if (!sent?.key.id) throw new AppError('internal_error', 'The invitation was not sent.');
      return sent.key.id;
    });
  }

  inviteCode(channelId: string, groupJid: string): Promise<string> {
    return this.call(channelId, 'inviteCode', async (socket) => requireCode(await socket.groupInviteCode(groupJid)));
  }

  revokeInvite(channelId: string, groupJid: string): Promise<string> {
    return this.call(channelId, 'revokeInvite', async (socket) => requireCode(await socket.groupRevokeInvite(groupJid)));
  }

  acceptInvite(channelId: string, code: string): Promise<InviteAcceptance> {
    return this.call(
      channelId,
      'acceptInvite',
      async (socket) => {
        // Baileys' groupAcceptInvite loses the "waiting for approval" answer: it is read here
        const result = await groupQuery(socket, {
          tag: 'iq',
          attrs: { type: 'set', xmlns: 'w:g2', to: '@g.us' },
          content: [{ tag: 'invite', attrs: { code } }],
        });
        const joined = getBinaryNodeChild(result, 'group')?.attrs.jid;
        if (joined) return { joined };
        const pending = getBinaryNodeChild(result, 'membership_approval_request')?.attrs.jid;
        if (pending) return { pendingApproval: pending };
        throw new AppError('internal_error', 'WhatsApp answered the invite without a group.');
      },
      'already_member',
    );
  }

  inviteInfo(channelId: string, code: string): Promise<WireGroup> {
    return this.call(channelId, 'inviteInfo', async (socket) => {
      const meta = await socket.groupGetInviteInfo(code);
      return toWireGroup(meta, await phonesOf(socket, unpairedLids(meta)));
    });
  }

  pictureUrl(channelId: string, groupJid: string, size: 'preview' | 'image'): Promise<string | null> {
    return this.call(channelId, 'pictureUrl', async (socket) => {
      try {
        return (await socket.profilePictureUrl(groupJid, size)) ?? null;
      } catch (error) {
        // no icon (404) or one hidden from this account (401): there is none to show
        const code = iqErrorCode(error);
        if (code === 404 || code === 401) return null;
        throw error;
      }
    });
  }

  setPicture(channelId: string, groupJid: string, image: Buffer): Promise<void> {
    return this.call(channelId, 'setPicture', (socket) => socket.updateProfilePicture(groupJid, image));
  }

  removePicture(channelId: string, groupJid: string): Promise<void> {
    return this.call(channelId, 'removePicture', (socket) => socket.removeProfilePicture(groupJid));
  }

  joinRequests(channelId: string, groupJid: string): Promise<WireJoinRequest[]> {
    return this.call(channelId, 'joinRequests', async (socket) => {
      const requests = (await socket.groupRequestParticipantsList(groupJid)) as Record<string, string | undefined>[];
      const phoneOf = await phonesOf(
        socket,
        requests.map((r) => r.jid ?? '').filter((jid) => jid.endsWith('@lid')),
      );
      return requests.map((attrs) => toJoinRequest(attrs, phoneOf));
    });
  }

  answerJoinRequests(channelId: string, groupJid: string, jids: string[], answer: 'approve' | 'reject'): Promise<MemberOutcome[]> {
    return this.call(channelId, 'answerJoinRequests', async (socket) =>
      outcomesFor(jids, await socket.groupRequestParticipantsUpdate(groupJid, jids, answer)),
    );
  }

  private fetch(channelId: string, socket: WASocket, groupJid: string): Promise<WireGroup> {
    return fetchGroup(this.cache, channelId, socket, groupJid);
  }

  private call<T>(channelId: string, op: string, fn: (socket: WASocket) => Promise<T>, conflictReason?: string): Promise<T> {
    return groupCall(this.sockets, channelId, `groups.${op}`, fn, conflictReason);
  }
}

/** One operation on a channel's socket, WhatsApp's group refusals turned into the API's errors. */
export function groupCall<T>(
  sockets: BaileysSockets,
  channelId: string,
  operation: string,
  fn: (socket: WASocket) => Promise<T>,
  conflictReason?: string,
): Promise<T> {
  return sockets.call(channelId, operation, async (socket) => {
    try {
      return await fn(socket);
    } catch (error) {
      throw toGroupAppError(error, operation, conflictReason);
    }
  });
}

/** A group's metadata from WhatsApp, kept in the channel's cache, in the gateway's terms. */
export async function fetchGroup(cache: GroupMetadataCache, channelId: string, socket: WASocket, groupJid: string): Promise<WireGroup> {
  const meta: GroupMetadata = await socket.groupMetadata(groupJid);
  cache.set(channelId, meta);
  await rememberPairs(socket, meta.participants);
  return toWireGroup(meta, await phonesOf(socket, unpairedLids(meta)));
}

/** A w:g2 request whose answer is read here (Baileys types query answers as `any`). */
export async function groupQuery(socket: WASocket, node: BinaryNode): Promise<BinaryNode> {
  return (await socket.query(node)) as BinaryNode;
}

/**
 * Keeps the LID ↔ phone-number pairs a group's members came with in the socket's LID mapping. Baileys does
 * not (it reads group members' `phone_number` but stores nothing), and its group notifications name the actor
 * by LID alone: without the pair, the author of a change would have no phone number.
 */
export async function rememberPairs(socket: WASocket, participants: { id: string; lid?: string; phoneNumber?: string }[]): Promise<void> {
  const pairs = participants
    .map((p) => ({ lid: isLidUser(p.id) ? p.id : p.lid, pn: isPnUser(p.id) ? p.id : p.phoneNumber }))
    .filter((pair): pair is LIDMapping => Boolean(pair.lid && isLidUser(pair.lid) && pair.pn && isPnUser(pair.pn)))
    .map((pair) => ({ lid: jidNormalizedUser(pair.lid), pn: jidNormalizedUser(pair.pn) }));
  if (pairs.length) await socket.signalRepository.lidMapping.storeLIDPNMappings(pairs);
}

/** The phone numbers the socket knows for LIDs WhatsApp named alone. */
export async function phonesOf(socket: WASocket, lids: string[]): Promise<PhoneOf> {
  if (!lids.length) return () => null;
  const pairs = (await socket.signalRepository.lidMapping.getPNsForLIDs([...new Set(lids)]).catch(() => null)) ?? [];
  const byLid = new Map(
    pairs.map((pair) => [pair.lid.split('@')[0].split(':')[0], `${pair.pn.split('@')[0].split(':')[0]}@s.whatsapp.net`]),
  );
  return (lid) => byLid.get(lid.split('@')[0].split(':')[0]) ?? null;
}

/** Each requested member: refused ones come back inside `<group>` with their error (and invitation), the rest were added. */
export function createOutcomes(created: BinaryNode, requested: string[]): MemberOutcome[] {
  const refused = getBinaryNodeChildren(created, 'participant')
    .filter((p) => p.attrs.error)
    .map((p) => ({ status: p.attrs.error, jid: p.attrs.jid, content: p }));
  // a refusal named under the member's LID (or phone number) is theirs too
  return outcomesFor(requested, refused).map((outcome) => (outcome.status === 0 ? { ...outcome, status: 200 } : outcome));
}

function requireCode(code: string | undefined): string {
  if (!code) throw new AppError('internal_error', 'WhatsApp answered without an invite code.');
  return code;
}
