import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { CallsEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import { ChannelsService } from '../channels/channels.service';
import { EventCauses } from '../events/event-causes';
import { Outbox } from '../events/outbox';
import { toCaller } from './calls.contracts';
import { callEndCause, CallsService } from './calls.service';

/** What WhatsApp's call stanzas report, as call.offered and call.terminated. */
@Injectable()
export class CallEventsListener implements OnModuleInit {
  private readonly logger = new Logger(CallEventsListener.name);

  constructor(
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsService,
    private readonly outbox: Outbox,
    private readonly causes: EventCauses,
    private readonly calls: CallsService,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('calls', (channelId, event) =>
      this.handle(channelId, event).catch((error: unknown) =>
        this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'call event not published'),
      ),
    );
  }

  private async handle(channelId: string, event: CallsEvent): Promise<void> {
    const settings = await this.channels.callSettings(channelId);
    if (!settings) return;
    const owner = settings.channel;
    if (event.type === 'call_offered') {
      const { call } = event;
      const offered = await this.outbox.publish({
        type: 'call.offered',
        customerId: owner.customerId,
        channelId,
        payload: {
          call_id: call.callId,
          from: toCaller(call.fromJid, call.fromPhoneJid),
          is_video: call.isVideo,
          is_group: call.isGroup,
          group_id: call.groupJid,
          offered_at: call.offeredAt.toISOString(),
        },
      });
      // not awaited: the reject's own end comes through this same lane of events, after this one
      if (settings.autoReject) {
        this.calls
          .rejectAutomatically(owner, call, settings.message, offered.id)
          .catch((error: unknown) =>
            this.logger.warn({ err: error, channel_id: channelId, call_id: call.callId }, 'call not auto-rejected'),
          );
      }
      return;
    }
    await this.outbox.publish({
      type: 'call.terminated',
      customerId: owner.customerId,
      channelId,
      payload: {
        call_id: event.callId,
        from: toCaller(event.fromJid, event.fromPhoneJid),
        reason: event.reason,
        ...(event.durationSeconds !== null ? { duration: event.durationSeconds } : {}),
        terminated_at: event.endedAt.toISOString(),
      },
      correlationId: event.reason === 'rejected' ? this.causes.take(callEndCause(channelId, event.callId)) : null,
    });
  }
}
