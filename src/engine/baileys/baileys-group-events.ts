import type { Logger } from '@nestjs/common';
import {
  type BinaryNode,
  type GroupMetadata,
  WAMessageStubType,
  type WASocket,
  areJidsSameUser,
  getBinaryNodeChild,
  isJidGroup,
  proto,
} from '@whiskeysockets/baileys';
import type { GroupsEvent } from '../ports/session-events';
import { groupChangesOf, toGroupAuthor, toWireGroup, toWireMember, unpairedLids } from './baileys-group-mapping';
import type { GroupMetadataCache } from './group-metadata-cache';
import { phonesOf, rememberPairs } from './ops/baileys-groups';

const MEMBER_ACTIONS = new Set(['add', 'remove', 'promote', 'demote']);

/**
 * Turns Baileys' group events into session events, and keeps the channel's group metadata cache honest:
 * a group's entry is dropped whenever a notification says it changed. What Baileys emits when the group
 * list is fetched (every group's full metadata as `groups.update`) refreshes the cache and is not an event.
 */
export function attachGroupEvents(
  socket: WASocket,
  emit: (event: GroupsEvent) => void,
  logger: Logger,
  channelId: string,
  cache: GroupMetadataCache,
): void {
  // one lane, in Baileys' order: resolving phone numbers is asynchronous and must not reorder the changes
  let lane: Promise<void> = Promise.resolve();
  const guard = (what: string, work: () => Promise<void>) => {
    lane = lane.then(work).catch((error: unknown) => logger.error({ err: error, channel_id: channelId }, `${what} not handled`));
  };
  const isMe = (jid: string | undefined) =>
    Boolean(jid && socket.user && (areJidsSameUser(jid, socket.user.id) || (socket.user.lid && areJidsSameUser(jid, socket.user.lid))));

  socket.ev.on('groups.upsert', (groups) =>
    guard('groups.upsert', async () => {
      for (const meta of groups) {
        cache.set(channelId, meta);
        await rememberPairs(socket, meta.participants);
        const phoneOf = await phonesOf(socket, unpairedLids(meta));
        // the account created it when it is both the group's creator and the one who made the change
        const createdByAccount = isMe(meta.owner ?? meta.ownerPn) && (!meta.author || isMe(meta.author));
        emit({
          type: 'group_joined',
          group: toWireGroup(meta, phoneOf),
          createdByAccount,
          author: toGroupAuthor(meta.author, meta.authorPn, phoneOf),
        });
      }
    }),
  );

  socket.ev.on('groups.update', (updates) =>
    guard('groups.update', async () => {
      for (const update of updates) {
        if (!update.id) continue;
        const changes = groupChangesOf(update);
        if (!changes) {
          if (Array.isArray(update.participants)) {
            cache.set(channelId, update as GroupMetadata);
            await rememberPairs(socket, update.participants);
          }
          continue;
        }
        cache.forget(channelId, update.id);
        const phoneOf = await phonesOf(socket, unpairedLids(update));
        emit({
          type: 'group_changed',
          groupJid: update.id,
          author: toGroupAuthor(update.author, update.authorPn, phoneOf),
          changes,
          community: cache.communityOf(channelId, update.id),
        });
      }
    }),
  );

  socket.ev.on('group-participants.update', (update) =>
    guard('group-participants.update', async () => {
      cache.forget(channelId, update.id);
      if (!MEMBER_ACTIONS.has(update.action)) return;
      await rememberPairs(socket, update.participants);
      const lids = [update.author, ...update.participants.map((p) => p.id)].filter((jid): jid is string => Boolean(jid?.endsWith('@lid')));
      const phoneOf = await phonesOf(socket, lids);
      emit({
        type: 'group_members',
        groupJid: update.id,
        action: update.action as 'add' | 'remove' | 'promote' | 'demote',
        author: toGroupAuthor(update.author, update.authorPn, phoneOf),
        members: update.participants.map((p) => toWireMember(p, phoneOf)),
        community: cache.communityOf(channelId, update.id),
      });
    }),
  );

  // The icon and disappearing messages are announced only as messages: a GROUP_CHANGE_ICON stub, and an
  // EPHEMERAL_SETTING protocol message (Baileys emits no groups.update for either).
  socket.ev.on('messages.upsert', ({ messages }) =>
    guard('group messages.upsert', async () => {
      for (const message of messages) {
        const groupJid = message.key.remoteJid;
        if (!groupJid || !isJidGroup(groupJid)) continue;
        const protocol = message.message?.protocolMessage;
        let changes: { icon: 'set' | 'removed' } | { ephemeralSeconds: number } | undefined;
        if (message.messageStubType === WAMessageStubType.GROUP_CHANGE_ICON) {
          // a set icon names its id; a removed one names nothing
          const parameters = message.messageStubParameters as string[] | null | undefined;
          changes = { icon: parameters?.length ? 'set' : 'removed' };
        } else if (protocol?.type === proto.Message.ProtocolMessage.Type.EPHEMERAL_SETTING) {
          changes = { ephemeralSeconds: protocol.ephemeralExpiration ?? 0 };
        }
        if (!changes) continue;
        cache.forget(channelId, groupJid);
        const authorJid = message.key.participant ?? message.participant ?? null;
        const phoneOf = await phonesOf(socket, authorJid?.endsWith('@lid') ? [authorJid] : []);
        emit({
          type: 'group_changed',
          groupJid,
          author: toGroupAuthor(authorJid, message.key.participantAlt, phoneOf),
          changes,
          community: cache.communityOf(channelId, groupJid),
        });
      }
    }),
  );

  // A group linked to a community or unlinked from it: WhatsApp tells the community's members with a w:gp2
  // `<link>` / `<unlink>` from the community, which Baileys acknowledges and otherwise ignores.
  const onLink = (node: BinaryNode) =>
    guard('community link', async () => {
      const change = getBinaryNodeChild(node, 'link') ?? getBinaryNodeChild(node, 'unlink');
      const groupJid = getBinaryNodeChild(change, 'group')?.attrs.jid;
      if (!change || !groupJid || (change.attrs.link_type ?? change.attrs.unlink_type) !== 'sub_group') return;
      const communityJid = change.tag === 'link' ? node.attrs.from : null;
      cache.linked(channelId, groupJid, communityJid);
      const authorJid = node.attrs.participant ?? null;
      const phoneOf = await phonesOf(socket, authorJid?.endsWith('@lid') ? [authorJid] : []);
      emit({
        type: 'group_changed',
        groupJid,
        author: toGroupAuthor(authorJid, node.attrs.participant_pn, phoneOf),
        changes: { communityJid },
        community: { isCommunity: false, communityJid },
      });
    });
  socket.ws.on('CB:notification,type:w:gp2,link', onLink);
  socket.ws.on('CB:notification,type:w:gp2,unlink', onLink);
}
