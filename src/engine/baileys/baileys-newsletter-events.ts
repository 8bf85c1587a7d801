import type { Logger } from '@nestjs/common';
import { type BinaryNode, getBinaryNodeChild, S_WHATSAPP_NET, type WASocket } from '@whiskeysockets/baileys';
import type { InboundWireMessage } from '../message-content';
import type { MessagingEvent } from '../ports/session-events';

/**
 * Reactions to the posts of a newsletter this account runs: WhatsApp tells its admins in a `newsletter`
 * notification naming the post by its server id (and not who reacted). Each becomes an inbound reaction
 * message in the newsletter's chat, aimed at the post's message id, which WhatsApp's post listing gives.
 */
export function attachNewsletterEvents(socket: WASocket, emit: (event: MessagingEvent) => void, logger: Logger, channelId: string): void {
  let lane: Promise<void> = Promise.resolve();
  let seq = 0;
  socket.ev.on('newsletter.reaction', ({ id, server_id: serverId, reaction }) => {
    lane = lane
      .then(async () => {
        const postId = await postIdOf(socket, id, Number(serverId));
        if (!postId) return;
        const message: InboundWireMessage = {
          // WhatsApp names no reaction message: an id of the gateway's, unique per reaction seen
          key: { chatJid: id, waMessageId: `NLR-${serverId}-${Date.now().toString(36)}-${(seq++).toString(36)}`, fromMe: false },
          senderJid: id,
          timestamp: new Date(),
          content: {
            type: 'reaction',
            target: { chatJid: id, waMessageId: postId, fromMe: false },
            emoji: reaction.removed ? '' : (reaction.code ?? ''),
          },
          offline: false,
        };
        emit({ type: 'message', message });
      })
      .catch((error: unknown) => logger.error({ err: error, channel_id: channelId }, 'newsletter.reaction not handled'));
  });
}

/** The message id of a post, read from WhatsApp's listing of the newsletter (the one post at that server id). */
async function postIdOf(socket: WASocket, newsletterJid: string, serverId: number): Promise<string | undefined> {
  if (!Number.isInteger(serverId)) return undefined;
  const result = (await socket.query({
    tag: 'iq',
    attrs: { id: socket.generateMessageTag(), type: 'get', xmlns: 'newsletter', to: S_WHATSAPP_NET },
    content: [{ tag: 'messages', attrs: { type: 'jid', jid: newsletterJid, count: '1', before: (serverId + 1).toString() } }],
  })) as BinaryNode;
  const post = getBinaryNodeChild(getBinaryNodeChild(result, 'messages'), 'message');
  return post && Number(post.attrs.server_id) === serverId ? post.attrs.id : undefined;
}
