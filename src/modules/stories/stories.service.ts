import { Injectable } from '@nestjs/common';
import type { WireReceipt } from '../../engine/message-content';
import { MessagingPort } from '../../engine/ports/messaging.port';
import { StoriesPort, type WireStoryContent } from '../../engine/ports/stories.port';
import type { Prisma } from '../../platform/database';
import { Transactions } from '../../platform/database/transactions';
import { AppError } from '../../platform/errors/app-error';
import { isIdOf, newId, idOf } from '../../platform/ids';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { ContactsService } from '../contacts/contacts.service';
import { causeKey, EventCauses } from '../events/event-causes';
import { Outbox } from '../events/outbox';
import { MediaService } from '../media/media.service';
import type { StoredMessage } from '../messages/message-content';
import { MessagesService } from '../messages/messages.service';
import { isLid, numberOf, parseParticipant } from '../whatsapp/jid';
import { MAX_AUDIENCE, PostStoryInput, STORY_LIFETIME_MS, toStory, toStoryView } from './stories.contracts';
import { StoriesRepository, StoryRow } from './stories.repository';

type MediaStory = Extract<PostStoryInput, { type: 'image' | 'video' }>;

/**
 * Stories the channel posts: stored in history (a message to status@broadcast) and beside it with their
 * audience, then sent to that audience; their views come back as read receipts. Contacts' stories are messages
 * (the messages module stores them, `is_story`).
 */
@Injectable()
export class StoriesService {
  constructor(
    private readonly whatsapp: StoriesPort,
    private readonly messaging: MessagingPort,
    private readonly stories: StoriesRepository,
    private readonly messages: MessagesService,
    private readonly contacts: ContactsService,
    private readonly media: MediaService,
    private readonly transactions: Transactions,
    private readonly outbox: Outbox,
    private readonly causes: EventCauses,
  ) {}

  /** On a connected channel (ChannelAccessGuard checks it). */
  async post(channel: ChannelRef, input: PostStoryInput, requestId: string | null) {
    const audience = await this.audienceOf(channel, input.audience);
    const { wire, message, content } = await this.contentOf(channel, input);
    const id = newId('msg');
    const waMessageId = this.messaging.newMessageId();
    const row = await this.transactions.run(async (tx) => {
      await this.messages.recordOwnStory(tx, channel, { id, waMessageId, message, correlationId: requestId });
      return this.stories.insert(tx, {
        id,
        channelId: channel.id,
        customerId: channel.customerId,
        waMessageId,
        type: input.type,
        content,
        audienceKind: input.audience === 'contacts' ? 'contacts' : 'list',
        audience,
        postedAt: new Date(),
      });
    });
    try {
      const sent = await this.whatsapp.post(channel.id, wire, audience, { waMessageId });
      await this.stories.setPostedAt(id, sent.timestamp);
      await this.messages.storyPosted(id, sent.timestamp);
      return toStory({ ...row, postedAt: sent.timestamp }, []);
    } catch (error) {
      await this.messages.storyFailed(id, error instanceof Error ? error.message : String(error));
      await this.stories.remove(id);
      throw error;
    }
  }

  async list(channel: ChannelRef, query: PageQuery) {
    const rows = await this.stories.listShown(channel.id, shownSince(), decodeCursor(query.cursor, idOf('msg')), query.limit + 1);
    const views = await this.stories.viewsOf(rows.slice(0, query.limit).map((r) => r.id));
    return toPage(rows, query.limit, (row) => toStory(row, views.get(row.id) ?? []));
  }

  async get(channel: ChannelRef, storyId: string) {
    const row = await this.require(channel, storyId);
    const views = await this.stories.viewsOf([row.id]);
    return toStory(row, views.get(row.id) ?? []);
  }

  /** On a connected channel: the revoke goes to the story's audience; the story is gone (404) from then on. */
  async revoke(channel: ChannelRef, storyId: string): Promise<void> {
    const row = await this.require(channel, storyId);
    await this.whatsapp.revoke(channel.id, row.waMessageId, row.audience as string[]);
    await this.stories.markRevoked(row.id, new Date());
  }

  /** A read receipt from status@broadcast for one of the channel's stories: a view, once per viewer (story.viewed). */
  async recordView(channelId: string, receipt: WireReceipt): Promise<void> {
    const participant = receipt.key.participant;
    if (!participant || receipt.status !== 'read') return;
    const story = await this.stories.findByWaId(channelId, receipt.key.waMessageId);
    if (!story) return;
    let viewerJid = participant;
    let viewerLid = receipt.participantLid ?? null;
    if (isLid(participant)) {
      viewerLid = participant;
      viewerJid = (await this.contacts.phoneJidOfLid(channelId, participant)) ?? participant;
    }
    const viewedAt = receipt.at ?? new Date();
    const number = numberOf(viewerJid);
    const correlationId = number ? this.causes.take(causeKey.storyView(channelId, story.waMessageId, number)) : null;
    await this.outbox.run(
      async (tx, publish) => {
        const view = await this.stories.insertViewIfNew(tx, { storyId: story.id, viewerJid, viewerLid, viewedAt });
        if (!view) return;
        publish({
          type: 'story.viewed',
          customerId: story.customerId,
          channelId,
          payload: { story_id: story.id, wa_message_id: story.waMessageId, ...toStoryView(view) },
          correlationId,
        });
      },
      { prisma: true },
    );
  }

  /** A story of the channel that WhatsApp still shows: not revoked, not expired; 404 otherwise. */
  private async require(channel: ChannelRef, storyId: string): Promise<StoryRow> {
    const row = isIdOf('msg', storyId) ? await this.stories.find(storyId) : null;
    if (!row || row.channelId !== channel.id) throw storyNotFound(storyId, 'story_not_found');
    if (row.revokedAt) throw storyNotFound(storyId, 'story_revoked');
    if (row.postedAt < shownSince()) throw storyNotFound(storyId, 'story_expired');
    return row;
  }

  private async audienceOf(channel: ChannelRef, audience: PostStoryInput['audience']): Promise<string[]> {
    if (audience === 'contacts') {
      const jids = await this.contacts.audience(channel.id, MAX_AUDIENCE);
      if (jids.length === 0) {
        throw new AppError('invalid_request', 'The channel knows no contacts yet: name the audience with {"contacts": [...]}.', {
          details: { issues: [{ path: ['audience'], code: 'empty_audience', message: 'the channel has no known contacts' }] },
        });
      }
      return jids;
    }
    const own = channel.phoneNumber ? parseParticipant(channel.phoneNumber) : null;
    const jids = audience.contacts.map((contact, i) => parseParticipant(contact, ['audience', 'contacts', i]));
    const unique = [...new Set(jids)].filter((jid) => jid !== own);
    if (unique.length === 0) {
      throw new AppError('invalid_request', "The audience names no one but the channel's own account.", {
        details: { issues: [{ path: ['audience', 'contacts'], code: 'empty_audience', message: 'name at least one other contact' }] },
      });
    }
    return unique;
  }

  /** What WhatsApp gets, what history keeps (the send's shape), and what the story shows. */
  private async contentOf(
    channel: ChannelRef,
    input: PostStoryInput,
  ): Promise<{ wire: WireStoryContent; message: StoredMessage; content: Prisma.InputJsonObject }> {
    if (input.type === 'text') {
      return {
        wire: {
          type: 'text',
          text: input.text,
          ...(input.background_color ? { backgroundColor: input.background_color } : {}),
          ...(input.font ? { font: input.font } : {}),
        },
        message: { type: 'text', content: { text: input.text } },
        content: { text: input.text, background_color: input.background_color ?? null, font: input.font ?? null },
      };
    }
    const body: { media_id?: string; source_url?: string; mime_type?: string; caption?: string } =
      input.type === 'image' ? input.image : input.video;
    const bytes = await this.mediaBytes(channel, input);
    const wire: WireStoryContent = { type: input.type, data: bytes.data, mimeType: bytes.mimeType, caption: body.caption };
    const message = (
      input.type === 'image' ? { type: 'image', content: { image: body } } : { type: 'video', content: { video: body } }
    ) as StoredMessage;
    return { wire, message, content: { [input.type]: body } };
  }

  /** The media's bytes: stored media of this channel (usable as the story's type), or fetched from source_url. */
  private async mediaBytes(channel: ChannelRef, input: MediaStory): Promise<{ data: Buffer; mimeType?: string }> {
    const body = input.type === 'image' ? input.image : input.video;
    if (body.media_id) {
      const media = await this.media.find(body.media_id, channel.id);
      const problem = !media
        ? 'no media with this id on the channel'
        : !media.kinds.includes(input.type)
          ? `this media (${media.mimeType}) cannot be posted as ${input.type}`
          : null;
      if (problem) {
        throw new AppError('invalid_request', `Invalid ${input.type}.media_id: ${problem}.`, {
          details: { issues: [{ path: [input.type, 'media_id'], code: 'invalid_value', message: problem }] },
        });
      }
      const { media: stored, bytes } = await this.media.readBytes(body.media_id);
      await this.media.markUsed(body.media_id);
      return { data: bytes, mimeType: body.mime_type ?? stored.whatsappMimeType };
    }
    const fetched = await this.media.fetchForSend(channel.customerId, body.source_url!);
    return { data: fetched.bytes, mimeType: body.mime_type ?? fetched.mimeType };
  }
}

function shownSince(): Date {
  return new Date(Date.now() - STORY_LIFETIME_MS);
}

function storyNotFound(storyId: string, reason: string): AppError {
  const why = reason === 'story_revoked' ? 'it was revoked' : reason === 'story_expired' ? 'it expired (24 h)' : 'unknown';
  return new AppError('not_found', `No story ${storyId} is shown on this channel: ${why}.`, {
    details: { reason, story_id: storyId },
  });
}
