import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { ChannelOwners } from '../../engine/calls/channel-owners';
import { WorkerCalls } from '../../engine/calls/worker-calls';
import type { WireContent } from '../../engine/message-content';
import { SessionManager } from '../../engine/session-manager';
import { MessagingPort } from '../../engine/ports/messaging.port';
import { withTimeout } from '../../platform/async';
import { Batcher } from '../../platform/batcher';
import { AppError } from '../../platform/errors/app-error';
import { JOBS, SendJobData } from '../../platform/queues/jobs';
import { REDIS } from '../../platform/redis/redis-connection';
import { storedMessageOf } from './message-content';
import { MessageStatusService } from './message-status.service';
import { MessageRow, MessagesRepository, reactionTargetOf } from './messages.repository';
import { OutboundContentResolver } from './outbound-content.resolver';
import { RecentlySent } from './recently-sent';

/** Where a send can start at once, in the process that accepted it (the send processor). */
export interface SendHandOff {
  /**
   * Takes it if this process holds the channel's socket and the queue has nothing waiting: started at once when a
   * slot is free, or after the sends taken before it. Never waits for it; false: queue it.
   */
  runNow(job: Required<SendJobData>): boolean;
  /** Whether it took this message and has not finished its send: the sweeper leaves it alone. */
  holds(messageId: string): boolean;
}

/** A sender holds a message this long; after that the sweeper hands it to another (same WhatsApp id). */
const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 5;
const ENQUEUE_TIMEOUT_MS = 500;
/**
 * Claims taken in one statement at most, and statements under way at once: one, so that claims coming while it
 * runs go together in the next (see WRITE_CONCURRENCY in message-status.service.ts).
 */
const CLAIM_BATCH = 100;
const CLAIM_CONCURRENCY = 1;

/**
 * The send path after the API accepted a message. The database row is the source of truth: a job only says
 * "look at message X". A message is claimed atomically before it is sent, so two workers never send it at
 * once; it is sent under the WhatsApp id chosen when it was accepted, so even a resend after a crash between
 * send and commit is one message for the recipient. Jobs lost on the way are queued again by MessageSweeper.
 */
@Injectable()
export class MessageDispatcher implements OnModuleInit {
  private readonly logger = new Logger(MessageDispatcher.name);
  private handOff?: SendHandOff;
  /** The messages being claimed and sent in this process now. */
  private readonly sending = new Set<string>();
  /** Claims of sends starting while others are being claimed go together: one statement, not one each. */
  private readonly claims = new Batcher<string, MessageRow | null>((ids) => this.messages.claimAll(ids, CLAIM_MS), {
    maxSize: CLAIM_BATCH,
    concurrency: CLAIM_CONCURRENCY,
  });

  constructor(
    private readonly messages: MessagesRepository,
    private readonly status: MessageStatusService,
    private readonly sessions: SessionManager,
    private readonly messaging: MessagingPort,
    private readonly content: OutboundContentResolver,
    private readonly recentlySent: RecentlySent,
    private readonly owners: ChannelOwners,
    private readonly calls: WorkerCalls,
    @InjectQueue(JOBS.send.queue) private readonly queue: Queue<SendJobData>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** From then on, sends start at their acceptance when `handOff` has room for them, and are queued otherwise. */
  sendAtAcceptanceWith(handOff: SendHandOff): void {
    this.handOff = handOff;
  }

  /**
   * A message just accepted: sent at once in this process when it can (SendHandOff), queued otherwise. Returns
   * whether it was started or queued; false: left to the sweeper.
   */
  start(messageId: string, channelId: string): Promise<boolean> {
    if (this.handOff?.runNow({ messageId, channelId })) return Promise.resolve(true);
    return this.enqueue(messageId, channelId);
  }

  /**
   * Whether this process is sending the message, or took it at its acceptance and has not finished its send (see
   * SendHandOff): the sweeper leaves it alone.
   */
  holds(messageId: string): boolean {
    return this.sending.has(messageId) || (this.handOff?.holds(messageId) ?? false);
  }

  /** Queues a message; a Redis that does not answer quickly is left to the sweeper. */
  async enqueue(messageId: string, channelId: string): Promise<boolean> {
    try {
      await withTimeout(
        this.queue.add(JOBS.send.name, { messageId, channelId }, { ...JOBS.send.options, jobId: JOBS.send.jobId(messageId) }),
        ENQUEUE_TIMEOUT_MS,
        'enqueue',
      );
      return true;
    } catch (error) {
      this.logger.warn({ err: error, message_id: messageId }, 'message not queued now; the sweeper will');
      return false;
    }
  }

  /**
   * Queues those of `messages` that have no job waiting, delayed or running (a finished job is removed, so a job
   * that exists is one still to come): one round trip to look and one to add, however long the list. The
   * sweeper's way: a backlog the workers have not reached yet is looked at, not queued again one by one.
   * Returns how many it queued.
   */
  async enqueueMissing(messages: ReadonlyArray<{ id: string; channelId: string }>): Promise<number> {
    if (messages.length === 0) return 0;
    // A job is a hash under the queue's prefix named by its id: the queue's Redis is the gateway's.
    const lookup = this.redis.pipeline();
    for (const { id } of messages) lookup.exists(this.queue.toKey(JOBS.send.jobId(id)));
    const found = await withTimeout(lookup.exec(), ENQUEUE_TIMEOUT_MS, 'look up jobs');
    const missing = messages.filter((_, index) => {
      const [error, exists] = found?.[index] ?? [null, 0];
      return error !== null || exists === 0;
    });
    if (missing.length === 0) return 0;
    await withTimeout(
      this.queue.addBulk(
        missing.map(({ id, channelId }) => ({
          name: JOBS.send.name,
          data: { messageId: id, channelId },
          opts: { ...JOBS.send.options, jobId: JOBS.send.jobId(id) },
        })),
      ),
      ENQUEUE_TIMEOUT_MS,
      'enqueue',
    );
    return missing.length;
  }

  onModuleInit(): void {
    this.calls.serve('messages', new Set(['dispatch']), { dispatch: (job: SendJobData) => this.dispatchHere(job) });
  }

  /**
   * One job, wherever it was taken: sent here when this worker holds the channel's socket, otherwise handed to
   * the worker the channel's lease names, which sends it at once. A hand-over that fails or is not answered
   * changes nothing: the row is still queued (or claimed by the owner), and the owner's sweeper takes it.
   */
  async dispatch(job: SendJobData): Promise<void> {
    // jobs queued before they named the channel read it from the row
    const channelId = job.channelId ?? (await this.messages.find(job.messageId))?.channelId;
    if (!channelId) return;
    if (this.sessions.isOpen(channelId)) return this.dispatchHere({ messageId: job.messageId, channelId });
    const owner = await this.owners.remoteOwnerOf(channelId).catch(() => null);
    if (!owner) return;
    try {
      await this.calls.call(owner, 'messages', 'dispatch', [{ messageId: job.messageId, channelId }]);
    } catch (error) {
      this.logger.warn(
        { err: error, message_id: job.messageId, worker_id: owner },
        'send not handed to the channel’s worker; its sweeper will',
      );
    }
  }

  /**
   * Claim, send, record, once at a time per message in this process. A message's claim can lapse while its send
   * waits behind the channel's earlier ones (a slow WhatsApp), and the sweeper then queues it again: that second
   * job finds it sending here and leaves it, rather than claim it again and send it twice. (The channel's socket
   * is in one process, so every job of the message comes here.)
   */
  private async dispatchHere(job: SendJobData): Promise<void> {
    if (this.sending.has(job.messageId)) return;
    this.sending.add(job.messageId);
    try {
      await this.claimAndSend(job);
    } finally {
      this.sending.delete(job.messageId);
    }
  }

  /** Returns without sending when this worker does not hold the channel's socket. */
  private async claimAndSend({ messageId, channelId }: SendJobData): Promise<void> {
    // Without the socket, the channel's worker (or its coming online) will send it.
    const owner = channelId ?? (await this.messages.find(messageId))?.channelId;
    if (!owner || !this.sessions.isOpen(owner)) return;
    const row = await this.claims.submit(messageId);
    if (!row) return;
    // before the send: the socket reports its echo while sending
    this.recentlySent.remember(row);
    let wire: WireContent;
    try {
      wire = await this.wireContentOf(row);
    } catch (error) {
      if (error instanceof AppError) {
        await this.status.advance(row, 'failed', { reason: error.message });
        return;
      }
      throw error;
    }
    try {
      // Held as under way from before the send: its receipts can come before the send returns (Baileys writes the
      // Signal session after the message left), and they start from the `sent` row rather than race it.
      const sending = this.messaging
        .send(row.channelId, row.chatJid, wire, { waMessageId: row.waMessageId })
        .then((sent) => this.status.advance(row, 'sent', { at: sent.timestamp }));
      await this.recentlySent.writing(row, sending);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isRefusal(error)) {
        // WhatsApp refused this message (not allowed, nothing by that name): sending it again would be refused again
        await this.status.advance(row, 'failed', { reason });
        return;
      }
      if (row.attempts >= MAX_ATTEMPTS) {
        await this.status.advance(row, 'failed', { reason: `gave up after ${row.attempts} attempts: ${reason}` });
        return;
      }
      // Back to the queue after a jittered backoff: the sweeper takes it again once it is due.
      const retryAt = new Date(Date.now() + JOBS.send.retryDelayMs(row.attempts));
      this.logger.warn(
        { err: error, message_id: row.id, attempt: row.attempts, retry_at: retryAt },
        'send failed; the message goes back to the queue',
      );
      await this.messages.release(row.id, retryAt);
    }
  }

  private wireContentOf(row: MessageRow): Promise<WireContent> {
    return this.content.wireContentOf(storedMessageOf(row), { customerId: row.customerId, reactionTarget: reactionTargetOf(row) });
  }
}

/** WhatsApp's definite no to a message (a post by a follower to a newsletter, 403), as the engine maps it. */
function isRefusal(error: unknown): boolean {
  return error instanceof AppError && error.status === 403;
}
