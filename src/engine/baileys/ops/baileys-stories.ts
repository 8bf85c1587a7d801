import { Injectable } from '@nestjs/common';
import { type AnyMessageContent, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import { STORY_CHAT, STORY_FONTS, StoriesPort, type WireStoryContent } from '../../ports/stories.port';
import { BaileysSockets } from '../baileys-sockets';
import { BaileysMessaging } from './baileys-messaging';

/** A story with media includes its upload, like a media message. */
export const POST_TIMEOUT_MS = 120_000;

@Injectable()
export class BaileysStories extends StoriesPort {
  constructor(
    private readonly sockets: BaileysSockets,
    private readonly messaging: BaileysMessaging,
  ) {
    super();
  }

  post(channelId: string, content: WireStoryContent, audience: string[], options: { waMessageId: string }) {
    // in the channel's send lane: a story opens Signal sessions with its viewers' devices like any send
    return this.messaging.inSendLane(channelId, () =>
      this.sockets.call(
        channelId,
        'stories.post',
        async (socket) => {
          const sent = await socket.sendMessage(STORY_CHAT, toStoryContent(content), {
            messageId: options.waMessageId,
            statusJidList: withOwnJid(socket, audience),
            ...(content.type === 'text' && content.backgroundColor ? { backgroundColor: content.backgroundColor } : {}),
            ...(content.type === 'text' && content.font ? { font: STORY_FONTS[content.font] } : {}),
          });
          const seconds = Number(sent?.messageTimestamp ?? 0);
          return { waMessageId: sent?.key.id ?? options.waMessageId, timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date() };
        },
        { timeoutMs: POST_TIMEOUT_MS },
      ),
    );
  }

  async revoke(channelId: string, waMessageId: string, audience: string[]): Promise<void> {
    await this.messaging.inSendLane(channelId, () =>
      this.sockets.call(channelId, 'stories.revoke', (socket) =>
        socket.sendMessage(
          STORY_CHAT,
          { delete: { remoteJid: STORY_CHAT, id: waMessageId, fromMe: true } },
          { statusJidList: withOwnJid(socket, audience) },
        ),
      ),
    );
  }
}

function toStoryContent(content: WireStoryContent): AnyMessageContent {
  switch (content.type) {
    case 'text':
      return { text: content.text, linkPreview: null };
    case 'image':
      return { image: content.data, caption: content.caption, mimetype: content.mimeType };
    case 'video':
      return { video: content.data, caption: content.caption, mimetype: content.mimeType };
  }
}

/** The viewers and the account itself: its other devices show its story only when its own jid is listed. */
function withOwnJid(socket: WASocket, audience: string[]): string[] {
  const own = socket.user?.id ? [jidNormalizedUser(socket.user.id)] : [];
  return [...new Set([...audience, ...own])];
}
