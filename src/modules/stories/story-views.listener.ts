import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { STORY_CHAT } from '../../engine/ports/stories.port';
import { SessionManager } from '../../engine/session-manager';
import { KeyedLanes } from '../../platform/async';
import { StoriesService } from './stories.service';

/** Read receipts from status@broadcast for the channel's own stories: the views (story.viewed). */
@Injectable()
export class StoryViewsListener implements OnModuleInit {
  private readonly logger = new Logger(StoryViewsListener.name);
  private readonly lanes = new KeyedLanes();

  constructor(
    private readonly sessions: SessionManager,
    private readonly stories: StoriesService,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('messages', (channelId, event) => {
      if (event.type !== 'receipt') return;
      const { receipt } = event;
      if (receipt.key.chatJid !== STORY_CHAT || !receipt.key.fromMe || receipt.status !== 'read') return;
      // in the channel's order, without holding up its other events
      this.lanes
        .run(channelId, () => this.stories.recordView(channelId, receipt))
        .catch((error: unknown) =>
          this.logger.error({ err: error, channel_id: channelId, wa_message_id: receipt.key.waMessageId }, 'story view not recorded'),
        );
    });
  }

  /** Resolves once every view reported so far for the channel is recorded (tests). */
  async drained(channelId: string): Promise<void> {
    await this.lanes.drained(channelId);
  }
}
