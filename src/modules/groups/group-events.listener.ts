import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { GroupsEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import { ChannelsService } from '../channels/channels.service';
import { Outbox } from '../events/outbox';
import { toGroup, toMember } from './groups.contracts';
import { toAuthor, toCommunityMark, toGroupChanges } from './groups.events';

const MEMBER_EVENTS = {
  add: 'group.participant_added',
  remove: 'group.participant_removed',
  promote: 'group.admin_promoted',
  demote: 'group.admin_demoted',
} as const;

/**
 * The engine's group events (what WhatsApp announced; the engine leaves out its refreshes of the group list)
 * published as domain events, which webhooks and event streams carry from there. Nothing else is written:
 * groups are not stored.
 */
@Injectable()
export class GroupEventsListener implements OnModuleInit {
  private readonly logger = new Logger(GroupEventsListener.name);

  constructor(
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsService,
    private readonly outbox: Outbox,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('groups', (channelId, event) =>
      this.publish(channelId, event).catch((error: unknown) =>
        this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'group event not published'),
      ),
    );
  }

  private async publish(channelId: string, event: GroupsEvent): Promise<void> {
    const owner = await this.channels.owner(channelId);
    if (!owner) return;
    const common = { customerId: owner.customerId, channelId };
    switch (event.type) {
      case 'group_joined':
        await this.outbox.publish({
          ...common,
          type: 'group.created',
          payload: {
            group_id: event.group.jid,
            reason: event.createdByAccount ? ('created' as const) : ('added' as const),
            author: toAuthor(event.author),
            group: toGroup(event.group),
          },
        });
        return;
      case 'group_changed': {
        const { changed, changes } = toGroupChanges(event.changes);
        if (changed.length === 0) return;
        await this.outbox.publish({
          ...common,
          type: 'group.updated',
          payload: { group_id: event.groupJid, ...toCommunityMark(event.community), author: toAuthor(event.author), changed, changes },
        });
        return;
      }
      case 'group_members':
        await this.outbox.publish({
          ...common,
          type: MEMBER_EVENTS[event.action],
          payload: {
            group_id: event.groupJid,
            ...toCommunityMark(event.community),
            author: toAuthor(event.author),
            participants: event.members.map(toMember),
          },
        });
        return;
    }
  }
}
