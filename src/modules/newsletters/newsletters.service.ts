import { Injectable } from '@nestjs/common';
import { NewsletterChange, NewslettersPort } from '../../engine/ports/newsletters.port';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { sendMessageSchema } from '../messages/messages.contracts';
import { MessagesService } from '../messages/messages.service';
import { isNewsletterJid, parseNewsletterJid, parseParticipant } from '../whatsapp/jid';
import { NewsletterPictures } from './newsletter-pictures';
import { CreateNewsletterInput, toNewsletter, toPost, UpdateNewsletterInput } from './newsletters.contracts';

/** WhatsApp lists in no stable order: pages are cut from the list sorted by JID, which the cursor names. */
const byJid = (a: { jid: string }, b: { jid: string }) => (a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0);

/**
 * Newsletters (WhatsApp Channels), live on the channel's WhatsApp socket: every call is one request (or two)
 * to WhatsApp, nothing is stored but the posts, which are messages. The guard has checked the socket is open;
 * WhatsApp's refusals come back as AppErrors from the port.
 */
@Injectable()
export class NewslettersService {
  constructor(
    private readonly whatsapp: NewslettersPort,
    private readonly pictures: NewsletterPictures,
    private readonly messages: MessagesService,
  ) {}

  async list(channel: ChannelRef, query: PageQuery) {
    const after = decodeCursor(query.cursor, isNewsletterJid);
    const list = (await this.whatsapp.list(channel.id)).sort(byJid);
    const rest = after === undefined ? list : list.filter((newsletter) => newsletter.jid > after);
    return toPage(rest.slice(0, query.limit + 1), query.limit, toNewsletter, (newsletter) => newsletter.jid);
  }

  async create(channel: ChannelRef, input: CreateNewsletterInput) {
    const picture = input.picture ? await this.pictures.imageOf(channel, input.picture) : undefined;
    const created = await this.whatsapp.create(channel.id, input.name, input.description || undefined);
    if (!picture) return toNewsletter(created);
    await this.whatsapp.update(channel.id, created.jid, { picture });
    return this.get(channel, created.jid);
  }

  async get(channel: ChannelRef, newsletterId: string) {
    return toNewsletter(await this.whatsapp.get(channel.id, parseNewsletterJid(newsletterId)));
  }

  async preview(channel: ChannelRef, inviteCode: string) {
    return toNewsletter(await this.whatsapp.byInvite(channel.id, inviteCode));
  }

  async update(channel: ChannelRef, newsletterId: string, input: UpdateNewsletterInput) {
    const jid = parseNewsletterJid(newsletterId);
    const change: NewsletterChange = {};
    if (input.name !== undefined) change.name = input.name;
    if (input.description !== undefined) change.description = input.description;
    if (input.reactions !== undefined) change.reactions = input.reactions;
    if (input.picture !== undefined) change.picture = input.picture ? await this.pictures.imageOf(channel, input.picture) : null;
    await this.whatsapp.update(channel.id, jid, change);
    return this.get(channel, jid);
  }

  async delete(channel: ChannelRef, newsletterId: string) {
    const jid = parseNewsletterJid(newsletterId);
    await this.whatsapp.delete(channel.id, jid);
    return { newsletter_id: jid, deleted: true as const };
  }

  async follow(channel: ChannelRef, newsletterId: string, following: boolean) {
    const jid = parseNewsletterJid(newsletterId);
    await (following ? this.whatsapp.follow(channel.id, jid) : this.whatsapp.unfollow(channel.id, jid));
    return { newsletter_id: jid, following };
  }

  /** Follows (or stops following) the newsletter an invite code names. */
  async followByInvite(channel: ChannelRef, inviteCode: string, following: boolean) {
    const { jid } = await this.whatsapp.byInvite(channel.id, inviteCode);
    return this.follow(channel, jid, following);
  }

  async mute(channel: ChannelRef, newsletterId: string, muted: boolean) {
    const jid = parseNewsletterJid(newsletterId);
    await this.whatsapp.mute(channel.id, jid, muted);
    return { newsletter_id: jid, muted };
  }

  async demote(channel: ChannelRef, newsletterId: string, contact: string) {
    const jid = parseNewsletterJid(newsletterId);
    const user = parseParticipant(contact, ['contact']);
    await this.whatsapp.demote(channel.id, jid, user);
    return { newsletter_id: jid, contact: user, demoted: true as const };
  }

  /** Posts, newest first, paged by server id. */
  async posts(channel: ChannelRef, newsletterId: string, query: PageQuery) {
    const jid = parseNewsletterJid(newsletterId);
    const before = decodeCursor(query.cursor, (key) => /^\d{1,16}$/.test(key));
    const posts = await this.whatsapp.posts(channel.id, jid, query.limit + 1, before === undefined ? undefined : Number(before));
    return toPage(posts, query.limit, toPost, (post) => post.serverId.toString());
  }

  /**
   * Posts as the newsletter: a message like any other (stored, queued, `message.sent`), sent in plaintext to
   * the newsletter. Only its owner and admins may: refused here rather than failing after the send.
   */
  async post(channel: ChannelRef, newsletterId: string, body: unknown, requestId: string) {
    const jid = parseNewsletterJid(newsletterId);
    const input = parseOrThrow(sendMessageSchema, { ...(typeof body === 'object' && body !== null ? body : {}), to: jid });
    const { role } = await this.whatsapp.get(channel.id, jid);
    if (role !== 'owner' && role !== 'admin') {
      throw new AppError('other', 'Only the newsletter’s owner and admins may post to it.', {
        status: 403,
        details: { reason: 'not_admin', role },
      });
    }
    return this.messages.send(channel, input, requestId);
  }

  async react(channel: ChannelRef, newsletterId: string, serverId: number, emoji: string | null) {
    const jid = parseNewsletterJid(newsletterId);
    await this.whatsapp.react(channel.id, jid, serverId, emoji);
    return { newsletter_id: jid, server_id: serverId, emoji };
  }
}
