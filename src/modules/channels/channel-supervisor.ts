import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { JOBS, ReconnectJobData } from '../../platform/queues/jobs';
import { ChannelLeases } from '../../engine/channel-leases';
import { SessionEvent, SessionManager } from '../../engine/session-manager';
import { ChannelRow, ChannelsRepository } from './channels.repository';
import { ChannelStateWriter } from './channel-state.writer';
import { reconnectDelayMs } from './reconnect-backoff';

/** A connection that holds this long after a "replaced" close ends the streak. */
const REPLACED_STREAK_RESET_MS = 5_000;

/**
 * Keeps channels alive: turns what the engine reports into lifecycle transitions, restarts on 515, backs
 * off on drops and 440, marks logged_out on 401 (credentials wiped), fails after repeated failures, checks
 * live sessions on a heartbeat, and opens the channels placed on this worker (ChannelPlacement decides which).
 * Every state write it makes for a session carries the session's lease token (ChannelLeases): once another
 * worker has taken the channel over, a write from here is refused rather than overwriting the new owner's.
 */
@Injectable()
export class ChannelSupervisor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChannelSupervisor.name);
  /** Consecutive "replaced" closes per channel, reset when a connection holds. */
  private readonly replacedStreak = new Map<string, number>();
  /** Counts opens and closes per channel, so a timer can tell whether the connection it watched still stands. */
  private readonly generations = new Map<string, number>();
  private heartbeat?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsRepository,
    private readonly writer: ChannelStateWriter,
    private readonly leases: ChannelLeases,
    @InjectQueue(JOBS.reconnect.queue) private readonly reconnects: Queue<ReconnectJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('lifecycle', (channelId, event) => {
      void this.onSessionEvent(channelId, event).catch((error: unknown) =>
        this.logger.error({ err: error, channel_id: channelId, event: event.type }, 'session event not applied'),
      );
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.gatewayRole === 'api') return;
    this.heartbeat = setInterval(() => void this.checkHeartbeat(), this.config.sessionKeepAliveMs);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /**
   * Opens the socket of a channel already moved to `connecting` (or `reconnecting`). If it cannot even
   * start (e.g. stored credentials that no longer decrypt), the channel goes to `error` with the reason,
   * rather than staying `connecting`; capacity refusals are rethrown to the caller.
   */
  async openSession(channel: ChannelRow): Promise<void> {
    try {
      await this.sessions.open({
        channelId: channel.id,
        network: channel.mode === 'test' ? 'sandbox' : 'live',
        leaseFloor: floorOf(channel),
      });
    } catch (error) {
      // Another worker owns the channel now: its state is that worker's to write.
      if (heldElsewhere(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, channel_id: channel.id }, 'session did not start');
      await this.writer.applyFromEngine(
        channel.id,
        () => ({
          state: 'error',
          wantConnected: false,
          workerId: null,
          reasonCode: null,
          reasonText: `The session could not start: ${message}`,
        }),
        this.fence(channel.id),
      );
      if (error instanceof AppError) throw error;
    }
  }

  /**
   * Takes a channel over on this worker: its lease (adopting the one a placement took in this worker's name,
   * or a free one), then its row (`connecting`, this worker, the lease's token), then its socket, from the
   * stored credentials. False when the lease is not to be had or the channel no longer wants a connection.
   */
  async claim(channelId: string, placedToken?: number): Promise<boolean> {
    const row = await this.take(channelId, placedToken);
    if (!row) return false;
    await this.openSession(row);
    return true;
  }

  /**
   * The first half of `claim`: the lease and the row, without the socket. The row to open the socket with
   * (openSession), or null when the lease is not to be had or the channel no longer wants a connection.
   */
  async take(channelId: string, placedToken?: number): Promise<ChannelRow | null> {
    const current = await this.channels.find(channelId);
    if (!current?.wantConnected) return null;
    const token = await this.leaseFor(channelId, floorOf(current), placedToken);
    if (token === null) return null;
    const row = await this.writer.applyFromEngine(
      channelId,
      (current) =>
        current.wantConnected && !current.disabledAt
          ? { state: 'connecting', workerId: this.sessions.workerId, reasonCode: null, reasonText: null }
          : null,
      token,
      current,
    );
    if (!row) await this.sessions.close(channelId);
    return row;
  }

  async cancelReconnects(channelId: string): Promise<void> {
    const jobs = await this.reconnects.getJobs(['delayed', 'waiting']);
    await Promise.all(jobs.filter((job) => job.data.channelId === channelId).map((job) => job.remove().catch(() => undefined)));
  }

  /** A scheduled reconnect attempt is due. */
  async runReconnect(job: ReconnectJobData): Promise<void> {
    // Whichever worker runs the job takes the channel; one whose lease another worker holds is that worker's.
    const current = await this.channels.find(job.channelId);
    if (!current?.wantConnected) return;
    const token = await this.leaseFor(job.channelId, floorOf(current));
    if (token === null) return;
    const row = await this.writer.applyFromEngine(
      job.channelId,
      (current) =>
        current.state === 'disconnected' && current.wantConnected && current.reconnectAttempts === job.attempt
          ? { state: 'reconnecting', workerId: this.sessions.workerId }
          : null,
      token,
    );
    if (row) await this.openSession(row);
    else if (!this.sessions.isOpen(job.channelId)) await this.sessions.close(job.channelId);
  }

  /** The lease this worker holds on the channel, or the placed one adopted, or a free one taken; null if none. */
  private async leaseFor(channelId: string, floor: number, placedToken?: number): Promise<number | null> {
    const held = this.leases.heldToken(channelId);
    if (held !== undefined && (placedToken === undefined || placedToken === held)) return held;
    if (placedToken !== undefined) return (await this.leases.adopt(channelId, placedToken)) ? placedToken : null;
    return this.leases.acquire(channelId, floor);
  }

  /** The token of this worker's last lease on the channel: the session's state writes carry it. */
  private fence(channelId: string): number | null {
    return this.leases.fenceOf(channelId);
  }

  private async onSessionEvent(channelId: string, event: SessionEvent): Promise<void> {
    if (this.stopping) return;
    switch (event.type) {
      case 'qr':
        await this.writer.applyFromEngine(channelId, (row) => (row.state === 'qr' ? null : { state: 'qr' }), this.fence(channelId));
        return;
      case 'open': {
        await this.writer.applyFromEngine(
          channelId,
          () => ({
            state: 'connected',
            reconnectAttempts: 0,
            reasonCode: null,
            reasonText: null,
            phoneNumber: event.identity.phoneNumber,
            jid: event.identity.jid,
            lid: event.identity.lid,
            workerId: this.sessions.workerId,
          }),
          this.fence(channelId),
        );
        // A connection that opens after a "replaced" close has not proven itself yet; one that stays does.
        const generation = this.bumpGeneration(channelId);
        setTimeout(() => {
          if (this.generations.get(channelId) === generation && this.sessions.isOpen(channelId)) this.replacedStreak.delete(channelId);
        }, REPLACED_STREAK_RESET_MS).unref();
        return;
      }
      case 'closed':
        await this.onClosed(channelId, event);
    }
  }

  private async onClosed(channelId: string, event: Extract<SessionEvent, { type: 'closed' }>): Promise<void> {
    this.bumpGeneration(channelId);
    const reason = { reasonCode: event.code, reasonText: event.message };
    switch (event.cause) {
      case 'closed_by_gateway':
        return;
      case 'restart_required': {
        const row = await this.writer.applyFromEngine(
          channelId,
          (r) => (r.wantConnected ? { state: 'connecting', ...reason } : null),
          this.fence(channelId),
        );
        if (row) await this.openSession(row);
        return;
      }
      case 'logged_out':
        await this.sessions.wipeCredentials(channelId);
        await this.writer.applyFromEngine(
          channelId,
          () => ({ state: 'logged_out', wantConnected: false, workerId: null, ...reason }),
          this.fence(channelId),
        );
        return;
      case 'pairing_timeout':
        await this.writer.applyFromEngine(
          channelId,
          () => ({
            state: 'error',
            wantConnected: false,
            workerId: null,
            reasonCode: event.code,
            reasonText: 'Pairing did not complete: the QR codes expired without a scan.',
          }),
          this.fence(channelId),
        );
        return;
      case 'replaced': {
        const streak = (this.replacedStreak.get(channelId) ?? 0) + 1;
        this.replacedStreak.set(channelId, streak);
        if (streak >= this.config.replacedLimit) {
          this.replacedStreak.delete(channelId);
          await this.fail(channelId, event.code, `Replaced by another connection ${streak} times in a row: ${event.message}`);
          return;
        }
        await this.scheduleReconnect(channelId, reason);
        return;
      }
      default:
        await this.scheduleReconnect(channelId, reason);
    }
  }

  private async scheduleReconnect(channelId: string, reason: { reasonCode: number | null; reasonText: string }): Promise<void> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.config.reconnect;
    let exhausted = false;
    const row = await this.writer.applyFromEngine(
      channelId,
      (current) => {
        if (!current.wantConnected) return null;
        const attempt = current.reconnectAttempts + 1;
        if (attempt > maxAttempts) {
          exhausted = true;
          return {
            state: 'failed',
            wantConnected: false,
            workerId: null,
            reasonCode: reason.reasonCode,
            reasonText: `Gave up after ${maxAttempts} reconnect attempts: ${reason.reasonText}`,
          };
        }
        return { state: 'disconnected', reconnectAttempts: attempt, ...reason };
      },
      this.fence(channelId),
    );
    if (!row || exhausted) return;
    const attempt = row.reconnectAttempts;
    await this.reconnects.add(
      JOBS.reconnect.name,
      { channelId, attempt },
      {
        ...JOBS.reconnect.options,
        jobId: JOBS.reconnect.jobId(channelId, attempt, row.stateSince),
        delay: reconnectDelayMs(attempt, baseDelayMs, maxDelayMs),
      },
    );
  }

  private bumpGeneration(channelId: string): number {
    const next = (this.generations.get(channelId) ?? 0) + 1;
    this.generations.set(channelId, next);
    return next;
  }

  private async fail(channelId: string, code: number | null, message: string): Promise<void> {
    await this.writer.applyFromEngine(
      channelId,
      () => ({
        state: 'failed',
        wantConnected: false,
        workerId: null,
        reasonCode: code,
        reasonText: message,
      }),
      this.fence(channelId),
    );
  }

  /** A socket this worker believes connected, still under its lease, but gone without a close event counts as dropped. */
  private async checkHeartbeat(): Promise<void> {
    if (this.stopping) return;
    const connected = await this.channels.listConnectedOnWorker(this.sessions.workerId);
    for (const channel of connected) {
      // Without the lease here, the channel is another worker's (or the failover scan's) to reconnect.
      if (!this.sessions.isOpen(channel.id) && this.leases.heldToken(channel.id) !== undefined) {
        await this.scheduleReconnect(channel.id, { reasonCode: null, reasonText: 'Heartbeat: the connection went silent.' }).catch(
          (error: unknown) => this.logger.error({ err: error, channel_id: channel.id }, 'heartbeat reconnect failed'),
        );
      }
    }
  }
}

/** The refusal of a session whose channel's lease another worker holds (see BaileysSessionManager.takeLease). */
export function heldElsewhere(error: unknown): boolean {
  return (
    error instanceof AppError &&
    typeof error.details === 'object' &&
    error.details !== null &&
    (error.details as { reason?: unknown }).reason === 'held_by_another_worker'
  );
}

/** The token a new lease of the channel must exceed: the one its state was last written under. */
function floorOf(row: ChannelRow): number {
  return row.leaseToken === null ? 0 : Number(row.leaseToken);
}
