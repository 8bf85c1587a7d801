import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { WireContent } from '../../engine/message-content';
import { SessionManager } from '../../engine/session-manager';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { QUEUES } from '../../platform/queues/queue-names';
import { MediaService } from '../media/media.service';
import { StoredContent, toWire } from './message-content';
import { MessageStatusService } from './message-status.service';
import { MEDIA_TYPES, MessageType } from './messages.contracts';
import { MessageRow, MessagesRepository } from './messages.repository';

export interface OutboundJob {
  messageId: string;
}

/** A sender holds a message this long; after that the sweeper hands it to another (same WhatsApp id). */
const CLAIM_MS = 60_000;
const MAX_ATTEMPTS = 5;
const ENQUEUE_TIMEOUT_MS = 500;
const SWEEP_BATCH = 500;
/** Queued for at least this long before the sweeper queues a message again, so it does not race the normal path. */
const SWEEP_GRACE_MS = 1_000;

/**
 * The send path after the API accepted a message. The database row is the source of truth: a job only says
 * "look at message X". A message is claimed atomically before it is sent, so two workers never send it at
 * once; it is sent under the WhatsApp id chosen when it was accepted, so even a resend after a crash between
 * send and commit is one message for the recipient. A sweeper (every process) queues persisted messages
 * whose job was lost (Redis restarted, enqueue failed) and a channel coming online queues its backlog.
 */
@Injectable()
export class MessageDispatcher implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessageDispatcher.name);
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly firstSeenQueued = new Map<string, number>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly status: MessageStatusService,
    private readonly sessions: SessionManager,
    private readonly stored: MediaService,
    @InjectQueue(QUEUES.outboundMessages) private readonly queue: Queue<OutboundJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sessions.onEvent((channelId, event) => {
      if (event.type === 'open') void this.sweep([channelId], 0);
    });
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(undefined, SWEEP_GRACE_MS), this.config.messages.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await Promise.race([this.sweeping, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }

  /** Queues a message; a Redis that does not answer quickly is left to the sweeper. */
  async enqueue(messageId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add('send', { messageId }, { jobId: messageId, removeOnComplete: true, removeOnFail: true }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('enqueue timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, message_id: messageId }, 'message not queued now; the sweeper will');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One job: claim, send, record. Returns without sending when this worker does not hold the channel's socket. */
  async dispatch(messageId: string): Promise<void> {
    const peek = await this.messages.find(messageId);
    if (!peek || peek.direction !== 'outbound') return;
    if (!this.sessions.isOpen(peek.channelId)) return; // the channel's worker (or its coming online) will send it
    const row = await this.messages.claim(messageId, CLAIM_MS);
    if (!row) return;
    let wire: WireContent;
    try {
      wire = await this.wireContent(row);
    } catch (error) {
      if (error instanceof AppError) {
        await this.status.advance(row, 'failed', { reason: error.message });
        return;
      }
      throw error;
    }
    try {
      const sent = await this.sessions.send(row.channelId, row.chatJid, wire, { waMessageId: row.waMessageId });
      await this.status.advance(row, 'sent', { at: sent.timestamp });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (row.attempts >= MAX_ATTEMPTS) {
        await this.status.advance(row, 'failed', { reason: `gave up after ${row.attempts} attempts: ${reason}` });
        return;
      }
      this.logger.warn({ err: error, message_id: row.id, attempt: row.attempts }, 'send failed; the message goes back to the queue');
      await this.messages.release(row.id);
    }
  }

  private wireContent(row: MessageRow): Promise<WireContent> {
    return this.wireContentOf(row.type as MessageType, row.content as StoredContent, row.customerId);
  }

  /** The engine's content for stored content: media fetched (within the customer's plan limit), reactions pointed at their target. */
  async wireContentOf(type: MessageType, content: StoredContent, customerId: string): Promise<WireContent> {
    if ((MEDIA_TYPES as readonly string[]).includes(type)) {
      const body = content[type] as { media_id?: string; source_url?: string; mime_type?: string; caption?: string; filename?: string; voice?: boolean };
      const common = { type: type as (typeof MEDIA_TYPES)[number], caption: body.caption, voice: body.voice };
      if (body.media_id) {
        // media_gone (deleted since the send was accepted) fails the message.
        const { media, bytes } = await this.stored.readBytes(body.media_id);
        return { ...common, data: bytes, mimeType: body.mime_type ?? media.whatsappMimeType, fileName: body.filename ?? media.filename ?? undefined };
      }
      const fetched = await this.stored.fetchForSend(customerId, body.source_url!);
      return { ...common, data: fetched.bytes, mimeType: body.mime_type ?? fetched.mimeType, fileName: body.filename };
    }
    if (type === 'reaction') {
      const target = (content.reaction as { target?: { chat_jid: string; wa_message_id: string; from_me: boolean; participant?: string } }).target;
      if (!target) throw new AppError('invalid_request', 'The reaction has no target.');
      return toWire(type, content, {
        reactionTarget: { chatJid: target.chat_jid, waMessageId: target.wa_message_id, fromMe: target.from_me, participant: target.participant },
      });
    }
    return toWire(type, content);
  }

  /** Queues due messages of the given channels (every channel with an open socket here by default). */
  sweep(channelIds?: string[], graceMs = SWEEP_GRACE_MS): Promise<void> {
    // A channel that just came online is swept right after a sweep in progress, not skipped.
    if (this.sweeping) return channelIds ? this.sweeping.then(() => this.sweep(channelIds, graceMs)) : this.sweeping;
    this.sweeping = (async () => {
      try {
        const due = await this.messages.listDue(channelIds, SWEEP_BATCH);
        const now = Date.now();
        const seen = new Set<string>();
        for (const { id, channelId } of due) {
          seen.add(id);
          if (!this.sessions.isOpen(channelId)) continue;
          const first = this.firstSeenQueued.get(id) ?? now;
          this.firstSeenQueued.set(id, first);
          if (now - first < graceMs) continue;
          await this.enqueue(id);
        }
        if (!channelIds) for (const id of this.firstSeenQueued.keys()) if (!seen.has(id)) this.firstSeenQueued.delete(id);
      } catch (error) {
        this.logger.warn({ err: error }, 'message sweep failed; the next one retries');
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }
}
