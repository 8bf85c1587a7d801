import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SessionManager } from '../../engine/session-manager';
import { settlesWithin } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { MessageDispatcher } from './message-dispatcher';
import { MessagesRepository } from './messages.repository';

const SWEEP_BATCH = 500;
/** Queued for at least this long before the sweeper queues a message again, so it does not race the normal path. */
const SWEEP_GRACE_MS = 1_000;

/**
 * Queues persisted messages whose job was lost (Redis restarted, an enqueue failed), in every process, for the
 * channels whose socket it holds; a channel coming online has its backlog queued at once.
 */
@Injectable()
export class MessageSweeper implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessageSweeper.name);
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly firstSeenQueued = new Map<string, number>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly dispatcher: MessageDispatcher,
    private readonly sessions: SessionManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('lifecycle', (channelId, event) => {
      if (event.type === 'open') void this.sweep([channelId], 0);
    });
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(undefined, SWEEP_GRACE_MS), this.config.messages.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await settlesWithin(this.sweeping, 2_000);
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
        const ready: typeof due = [];
        for (const message of due) {
          seen.add(message.id);
          // a send this process holds (waiting for a slot, or under way) is not lost
          if (!this.sessions.isOpen(message.channelId) || this.dispatcher.holds(message.id)) continue;
          const first = this.firstSeenQueued.get(message.id) ?? now;
          this.firstSeenQueued.set(message.id, first);
          if (now - first >= graceMs) ready.push(message);
        }
        await this.dispatcher.enqueueMissing(ready);
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
