import { Injectable, Logger } from '@nestjs/common';
import type { RidingStatement } from '../../platform/database';
import { AppError } from '../../platform/errors/app-error';
import { causeKey, EventCauses } from '../events/event-causes';
import { Outbox, Publish } from '../events/outbox';
import { AuditService } from '../audit/audit.service';
import { assertTransition, canTransition, ChannelState, webhookEventFor } from './channel-lifecycle';
import { afterChange, ChannelRow, ChannelsRepository, StateChange } from './channels.repository';

const ENGINE_RETRIES = 5;
/** States the engine moves on from by itself: what it reports next was caused by whatever led here. */
const UNSETTLED: ReadonlySet<ChannelState> = new Set(['connecting', 'qr', 'reconnecting']);

/**
 * Writes channel state: checks the transition table, applies the change under optimistic concurrency, and
 * records the transition as domain events in the same transaction (streamed and sent as webhooks after commit).
 * A request that leaves the channel unsettled (a connect) stays the cause of the transitions the engine reports
 * until the channel settles, so `channel.connected` names the connect (or the sandbox scan) that led to it.
 */
@Injectable()
export class ChannelStateWriter {
  private readonly logger = new Logger(ChannelStateWriter.name);
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
    private readonly causes: EventCauses,
  ) {}

  /**
   * A change decided on `current`; if the row moved on meanwhile, `concurrent_modification`. One statement: the
   * events and the audit entry are told from the row the change makes, and written with it (Outbox.runAsOne).
   */
  async apply(current: ChannelRow, change: StateChange, correlationId?: string | null): Promise<ChannelRow> {
    if (change.state !== current.state) assertTransition(current.state, change.state);
    const now = new Date();
    const written = await this.outbox.runAsOne(
      (publish) => ({
        write: this.channels.changeStatement(current, change, now),
        riding: this.record(publish, current, afterChange(current, change, now), correlationId ?? null),
      }),
      (row) => {
        // Settled as soon as it is written, before the subscribers of the events are awaited: the engine's next
        // report must not find the cause of a transition that already settled, nor miss the cause of one under way.
        const { id, state } = this.channels.changedRow(row);
        if (!UNSETTLED.has(state)) this.causes.take(causeKey.channel(id));
        else if (correlationId) this.causes.expect(causeKey.channel(id), correlationId);
      },
    );
    if (!written) {
      throw new AppError('concurrent_modification', 'The channel changed while this request ran; read it again and retry.', {
        details: { current_state: current.state },
      });
    }
    return this.channels.changedRow(written);
  }

  /**
   * A change the engine reports (QR shown, socket opened or closed). Decided again on a fresh read after a
   * conflict; dropped when the transition no longer applies (e.g. the user disconnected meanwhile). With a
   * `fence` (the token of the channel lease the session runs under), dropped too when the row was written under
   * a newer lease: another worker owns the channel now, and this one must not overwrite its state. `read` is the
   * row as the caller just read it, decided on first (a conflict reads it again).
   */
  async applyFromEngine(
    channelId: string,
    decide: (row: ChannelRow) => StateChange | null,
    fence: number | null = null,
    read?: ChannelRow,
  ): Promise<ChannelRow | null> {
    for (let attempt = 0; attempt < ENGINE_RETRIES; attempt++) {
      const current = attempt === 0 && read ? read : await this.channels.find(channelId);
      if (!current || current.deletedAt) return null;
      if (isFencedOut(current, fence)) {
        this.logger.warn(
          { channel_id: channelId, fence, lease_token: String(current.leaseToken) },
          'state write of a stale lease holder refused',
        );
        return null;
      }
      const decided = decide(current);
      if (!decided) return null;
      // The version check of apply() makes this test and the write one step: a newer lease's write in between
      // bumps the version, and the retry reads its token.
      const change =
        fence !== null && (current.leaseToken === null || BigInt(fence) > current.leaseToken)
          ? { ...decided, leaseToken: BigInt(fence) }
          : decided;
      if (change.state !== current.state && !canTransition(current.state, change.state)) return null;
      try {
        return await this.apply(current, change, this.causes.peek(causeKey.channel(channelId)));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'concurrent_modification')) throw error;
      }
    }
    return null;
  }

  /** The transition's events (published) and its audit entry (returned), written with the change. */
  private record(publish: Publish, before: ChannelRow, after: ChannelRow, correlationId: string | null): RidingStatement[] {
    if (before.state === after.state) return [];
    const reason = after.reasonCode === null && after.reasonText === null ? null : { code: after.reasonCode, message: after.reasonText };
    const base = { customerId: after.customerId, channelId: after.id, correlationId };
    const stateChangedId = publish({
      ...base,
      type: 'channel.state_changed',
      payload: {
        channel_id: after.id,
        from: before.state,
        to: after.state,
        since: after.stateSince.toISOString(),
        reason,
        reconnect_attempts: after.reconnectAttempts,
      },
    });
    const status = { channel_id: after.id, since: after.stateSince.toISOString(), phone_number: after.phoneNumber, reason };
    const webhookType = webhookEventFor(before.state, after.state);
    if (webhookType === 'channel.connected') {
      publish({ ...base, type: webhookType, payload: { ...status, status: 'connected' } });
    } else if (webhookType === 'channel.disconnected' && after.state !== 'connected') {
      publish({ ...base, type: webhookType, payload: { ...status, status: after.state } });
    }
    return [
      this.audit.stateChangeAlong({
        customerId: after.customerId,
        action: 'channel.state_changed',
        resourceType: 'channel',
        resourceId: after.id,
        channelId: after.id,
        requestId: correlationId ?? stateChangedId,
        details: { from: before.state, to: after.state, reason },
      }),
    ];
  }
}

/** Whether a write under lease token `fence` comes from an owner the channel has since moved away from. */
export function isFencedOut(row: Pick<ChannelRow, 'leaseToken'>, fence: number | null): boolean {
  return fence !== null && row.leaseToken !== null && BigInt(fence) < row.leaseToken;
}
