import { Injectable } from '@nestjs/common';
import { type BinaryNode, type WASocket, generateMessageID, getBinaryNodeChild } from '@whiskeysockets/baileys';
import { AppError } from '../../../platform/errors/app-error';
import { CommunitiesPort, type CommunitySettingChange, type WireSubgroup } from '../../ports/communities.port';
import type { MemberOutcome, WireGroup } from '../../ports/groups.port';
import { outcomesFor, toSubgroups } from '../baileys-group-mapping';
import { BaileysSockets } from '../baileys-sockets';
import { GroupMetadataCache } from '../group-metadata-cache';
import { createOutcomes, fetchGroup, groupCall, groupQuery } from './baileys-groups';

/**
 * Communities over the channel's socket, with Baileys' community stanzas (`lib/Socket/communities.js`). The
 * creations and the sub-group listing send Baileys' stanzas and read the answer here: Baileys' own swallow a
 * failed read of the new group, and drop the mark of the announcement group from the listing.
 */
@Injectable()
export class BaileysCommunities extends CommunitiesPort {
  constructor(
    private readonly sockets: BaileysSockets,
    private readonly cache: GroupMetadataCache,
  ) {
    super();
  }

  create(channelId: string, subject: string, description: string): Promise<WireGroup> {
    return this.call(channelId, 'create', async (socket) => {
      // communityCreate's stanza, without asking for a "General" group or letting members create groups
      // (both optional on WhatsApp, as whatsmeow's CreateGroup shows)
      const content: BinaryNode[] = [{ tag: 'parent', attrs: { default_membership_approval_mode: 'request_required' } }];
      if (description) {
        content.unshift({
          tag: 'description',
          attrs: { id: generateMessageID().substring(0, 12) },
          content: [{ tag: 'body', attrs: {}, content: Buffer.from(description, 'utf-8') }],
        });
      }
      const result = await groupQuery(socket, {
        tag: 'iq',
        attrs: { type: 'set', xmlns: 'w:g2', to: '@g.us' },
        content: [{ tag: 'create', attrs: { subject }, content }],
      });
      return fetchGroup(this.cache, channelId, socket, createdJid(result));
    });
  }

  createGroup(channelId: string, communityJid: string, subject: string, memberJids: string[]) {
    return this.call(channelId, 'createGroup', async (socket) => {
      // communityCreateGroup's stanza; members WhatsApp refused come back inside <group>, read here
      const result = await groupQuery(socket, {
        tag: 'iq',
        attrs: { type: 'set', xmlns: 'w:g2', to: '@g.us' },
        content: [
          {
            tag: 'create',
            attrs: { subject, key: socket.generateMessageTag() },
            content: [
              ...memberJids.map((jid) => ({ tag: 'participant', attrs: { jid } })),
              { tag: 'linked_parent', attrs: { jid: communityJid } },
            ],
          },
        ],
      });
      const groupJid = createdJid(result);
      const outcomes: MemberOutcome[] = createOutcomes(getBinaryNodeChild(result, 'group')!, memberJids);
      return { group: await fetchGroup(this.cache, channelId, socket, groupJid), outcomes };
    });
  }

  subgroups(channelId: string, communityJid: string): Promise<WireSubgroup[]> {
    return this.call(channelId, 'subgroups', async (socket) => {
      const result = await groupQuery(socket, {
        tag: 'iq',
        attrs: { type: 'get', xmlns: 'w:g2', to: communityJid },
        content: [{ tag: 'sub_groups', attrs: {} }],
      });
      return toSubgroups(result);
    });
  }

  link(channelId: string, communityJid: string, groupJid: string): Promise<void> {
    return this.call(channelId, 'link', async (socket) => {
      await socket.communityLinkGroup(groupJid, communityJid);
      this.cache.linked(channelId, groupJid, communityJid);
    });
  }

  unlink(channelId: string, communityJid: string, groupJid: string): Promise<void> {
    return this.call(channelId, 'unlink', async (socket) => {
      await socket.communityUnlinkGroup(groupJid, communityJid);
      this.cache.linked(channelId, groupJid, null);
    });
  }

  removeMembers(channelId: string, communityJid: string, jids: string[]): Promise<MemberOutcome[]> {
    // `<remove linked_groups="true">`: out of the community and every group linked to it
    return this.call(channelId, 'removeMembers', async (socket) =>
      outcomesFor(jids, await socket.communityParticipantsUpdate(communityJid, jids, 'remove')),
    );
  }

  changeSetting(channelId: string, communityJid: string, change: CommunitySettingChange): Promise<void> {
    return this.call(channelId, 'changeSetting', async (socket) => {
      if ('restrict' in change) await socket.communitySettingUpdate(communityJid, change.restrict ? 'locked' : 'unlocked');
      else await socket.communityJoinApprovalMode(communityJid, change.joinApproval ? 'on' : 'off');
    });
  }

  private call<T>(channelId: string, op: string, fn: (socket: WASocket) => Promise<T>): Promise<T> {
    return groupCall(this.sockets, channelId, `communities.${op}`, fn);
  }
}

/** The JID of the group a `<create>` made (WhatsApp answers its id without the server). */
function createdJid(result: BinaryNode): string {
  const id = getBinaryNodeChild(result, 'group')?.attrs.id;
  if (!id) throw new AppError('internal_error', 'WhatsApp answered the creation without a group.');
  return id.includes('@') ? id : `${id}@g.us`;
}
