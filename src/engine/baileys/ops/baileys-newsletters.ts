import { Injectable } from '@nestjs/common';
import {
  type BinaryNode,
  generateProfilePicture,
  getBinaryNodeChild,
  QueryIds,
  S_WHATSAPP_NET,
  type WASocket,
} from '@whiskeysockets/baileys';
import { type NewsletterChange, NewslettersPort, type WireNewsletter, type WireNewsletterPost } from '../../ports/newsletters.port';
import {
  type RawNewsletter,
  toNewsletterAppError,
  toReactionCodes,
  toWireNewsletter,
  toWirePosts,
  whatsappRefusal,
} from '../baileys-newsletter-mapping';
import { BaileysSockets } from '../baileys-sockets';

/**
 * The w:mex GraphQL documents the gateway runs that Baileys has no function for, by WhatsApp's query id (they
 * are versioned server documents: keep them here, in one place). The others are Baileys' `QueryIds`.
 */
const MEX = {
  /** The newsletters the account follows (whatsmeow's querySubscribedNewsletters). */
  subscribed: { id: '6388546374527196', path: 'xwa2_newsletter_subscribed' },
} as const;

/** Newsletters over the channel's socket: each call one WhatsApp request (w:mex GraphQL or a newsletter IQ). */
@Injectable()
export class BaileysNewsletters extends NewslettersPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  list(channelId: string): Promise<WireNewsletter[]> {
    return this.call(channelId, 'list', async (socket) => {
      const list = await mex<RawNewsletter[]>(socket, MEX.subscribed.id, {}, MEX.subscribed.path);
      return (Array.isArray(list) ? list : []).map(toWireNewsletter);
    });
  }

  create(channelId: string, name: string, description?: string): Promise<WireNewsletter> {
    return this.call(channelId, 'create', async (socket) => {
      const created = await socket.newsletterCreate(name, description);
      // the creation answer leaves out the viewer's role and the settings: read the newsletter whole
      return this.metadata(socket, 'jid', created.id);
    });
  }

  get(channelId: string, newsletterJid: string): Promise<WireNewsletter> {
    return this.call(channelId, 'get', (socket) => this.metadata(socket, 'jid', newsletterJid));
  }

  byInvite(channelId: string, code: string): Promise<WireNewsletter> {
    return this.call(channelId, 'byInvite', (socket) => this.metadata(socket, 'invite', code));
  }

  update(channelId: string, newsletterJid: string, change: NewsletterChange): Promise<void> {
    return this.call(channelId, 'update', async (socket) => {
      const updates: Record<string, unknown> = {};
      if (change.name !== undefined) updates.name = change.name;
      if (change.description !== undefined) updates.description = change.description;
      if (change.picture !== undefined) {
        updates.picture = change.picture ? (await generateProfilePicture(change.picture)).img.toString('base64') : '';
      }
      // Baileys' newsletterUpdate always sends `settings: null`; the reaction setting goes there
      updates.settings = change.reactions ? { reaction_codes: { value: toReactionCodes(change.reactions) } } : null;
      await mex(socket, QueryIds.UPDATE_METADATA, { newsletter_id: newsletterJid, updates }, 'xwa2_newsletter_update');
    });
  }

  delete(channelId: string, newsletterJid: string): Promise<void> {
    return this.call(channelId, 'delete', (socket) => socket.newsletterDelete(newsletterJid));
  }

  follow(channelId: string, newsletterJid: string): Promise<void> {
    return this.call(channelId, 'follow', async (socket) => {
      await socket.newsletterFollow(newsletterJid);
    });
  }

  unfollow(channelId: string, newsletterJid: string): Promise<void> {
    return this.call(channelId, 'unfollow', async (socket) => {
      await socket.newsletterUnfollow(newsletterJid);
    });
  }

  mute(channelId: string, newsletterJid: string, muted: boolean): Promise<void> {
    return this.call(channelId, 'mute', async (socket) => {
      await (muted ? socket.newsletterMute(newsletterJid) : socket.newsletterUnmute(newsletterJid));
    });
  }

  demote(channelId: string, newsletterJid: string, userJid: string): Promise<void> {
    return this.call(channelId, 'demote', (socket) => socket.newsletterDemote(newsletterJid, userJid));
  }

  posts(channelId: string, newsletterJid: string, count: number, before?: number): Promise<WireNewsletterPost[]> {
    return this.call(channelId, 'posts', async (socket) => {
      // the history query (Baileys' newsletterFetchMessages asks for updates after a point, not pages back)
      const result = (await socket.query({
        tag: 'iq',
        attrs: { id: socket.generateMessageTag(), type: 'get', xmlns: 'newsletter', to: S_WHATSAPP_NET },
        content: [
          {
            tag: 'messages',
            attrs: {
              type: 'jid',
              jid: newsletterJid,
              count: count.toString(),
              ...(before !== undefined ? { before: before.toString() } : {}),
            },
          },
        ],
      })) as BinaryNode;
      return toWirePosts(getBinaryNodeChild(result, 'messages'));
    });
  }

  react(channelId: string, newsletterJid: string, serverId: number, emoji: string | null): Promise<void> {
    return this.call(channelId, 'react', async (socket) => {
      // Baileys' newsletterReactMessage ignores a refusal in the ack: the ack is read here
      const ack = (await socket.query({
        tag: 'message',
        attrs: {
          to: newsletterJid,
          ...(emoji ? {} : { edit: '7' }),
          type: 'reaction',
          server_id: serverId.toString(),
          id: socket.generateMessageTag(),
        },
        content: [{ tag: 'reaction', attrs: emoji ? { code: emoji } : {} }],
      })) as BinaryNode;
      const refused = Number(ack?.attrs?.error);
      if (refused >= 400) throw whatsappRefusal(`WhatsApp refused the reaction (${refused})`, refused);
    });
  }

  private async metadata(socket: WASocket, type: 'jid' | 'invite', key: string): Promise<WireNewsletter> {
    const raw = (await socket.newsletterMetadata(type, key)) as RawNewsletter | null;
    if (!raw) throw whatsappRefusal('WhatsApp knows no such newsletter', 404);
    return toWireNewsletter(raw);
  }

  private call<T>(channelId: string, op: string, fn: (socket: WASocket) => Promise<T>): Promise<T> {
    return this.sockets.call(channelId, `newsletters.${op}`, async (socket) => {
      try {
        return await fn(socket);
      } catch (error) {
        throw toNewsletterAppError(error, op);
      }
    });
  }
}

/**
 * A w:mex GraphQL query, read as Baileys' executeWMexQuery reads it: the answer under `data[path]`, GraphQL
 * errors raised with their `error_code` as status.
 */
async function mex<T>(socket: WASocket, queryId: string, variables: Record<string, unknown>, path: string): Promise<T> {
  const result = (await socket.query({
    tag: 'iq',
    attrs: { id: socket.generateMessageTag(), type: 'get', to: S_WHATSAPP_NET, xmlns: 'w:mex' },
    content: [{ tag: 'query', attrs: { query_id: queryId }, content: Buffer.from(JSON.stringify({ variables }), 'utf-8') }],
  })) as BinaryNode;
  const content = getBinaryNodeChild(result, 'result')?.content;
  const body = content ? (JSON.parse(Buffer.from(content as Uint8Array).toString('utf-8')) as MexBody<T>) : undefined;
  const error = body?.errors?.[0];
  if (error) throw whatsappRefusal(`GraphQL server error: ${error.message ?? 'unknown'}`, Number(error.extensions?.error_code) || 400);
  const data = body?.data?.[path];
  if (data === undefined) throw whatsappRefusal(`WhatsApp answered ${path} without data`, 500);
  return data;
}

interface MexBody<T> {
  data?: Record<string, T>;
  errors?: { message?: string; extensions?: { error_code?: number } }[];
}
