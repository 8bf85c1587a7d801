import { randomBytes } from 'crypto';
import { type BinaryNode, getBinaryNodeChild, proto } from '@whiskeysockets/baileys';
import type { MediaHost } from '../media/media-host';
import { readMessage } from '../phone/content';
import type { Account, Companion } from '../state/accounts';
import { BASIC_REACTIONS, type Newsletter, type NewsletterPost, type ReactionCodes, roleOf } from '../state/newsletters';
import type { Network } from './network';
import { contentBuffer, unixNow } from './nodes';

/**
 * WhatsApp's refusal of a newsletter request: over w:mex it is a GraphQL error whose `extensions.error_code`
 * carries the code, in the ack of a post or reaction it is the ack's `error`. 404 no such newsletter (or
 * post), 401 only its admins may, 403 the owner may not (leave its own newsletter), 409 already so
 * (following, not following), 400 a malformed request or a reaction the newsletter does not allow.
 */
export class NewsletterRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

const refuse = {
  notFound: () => new NewsletterRefusal(404, 'Newsletter not found'),
  notAdmin: () => new NewsletterRefusal(401, 'Not an admin of the newsletter'),
  ownerOnly: () => new NewsletterRefusal(401, 'Only the owner may do that'),
  ownerCannot: () => new NewsletterRefusal(403, 'The owner cannot leave its newsletter'),
  conflict: (text: string) => new NewsletterRefusal(409, text),
  bad: (text: string) => new NewsletterRefusal(400, text),
};

export interface NewsletterUpdates {
  name?: string;
  description?: string;
  /** Base64 JPEG; empty removes the picture. */
  picture?: string;
  reactionCodes?: ReactionCodes;
}

/**
 * The simulated server's newsletter (WhatsApp Channels) logic, shared by the companions' requests (w:mex,
 * `newsletter` IQs, posts and reactions) and the control API (simulated phones owning and posting to one):
 * permissions, state, the metadata object WhatsApp's GraphQL answers with, and posts fanned out to followers.
 */
export class NewsletterOps {
  constructor(
    private readonly net: Network,
    private readonly media: MediaHost,
  ) {}

  create(account: Account, name: string, description: string): Newsletter {
    if (!name.trim()) throw refuse.bad('A newsletter needs a name');
    return this.net.newsletters.create(account.jid, name, description);
  }

  require(jid: string): Newsletter {
    const newsletter = this.net.newsletters.get(jid);
    if (!newsletter) throw refuse.notFound();
    return newsletter;
  }

  byInvite(code: string): Newsletter {
    const newsletter = this.net.newsletters.byInvite(code);
    if (!newsletter) throw refuse.notFound();
    return newsletter;
  }

  update(account: Account, jid: string, updates: NewsletterUpdates): Newsletter {
    const newsletter = this.adminOf(account, jid);
    const now = Math.floor(Date.now() / 1000);
    if (updates.name !== undefined) {
      if (!updates.name.trim()) throw refuse.bad('A newsletter needs a name');
      newsletter.name = { text: updates.name, id: randomId(), time: now };
    }
    if (updates.description !== undefined) newsletter.description = { text: updates.description, id: randomId(), time: now };
    if (updates.picture !== undefined) {
      if (updates.picture) {
        const jpeg = Buffer.from(updates.picture, 'base64');
        newsletter.picture = { id: `${now}${randomBytes(2).readUInt16BE(0)}`, jpeg, ...this.media.put(jpeg, 'pp') };
      } else {
        newsletter.picture = null;
      }
    }
    if (updates.reactionCodes !== undefined) newsletter.reactionCodes = updates.reactionCodes;
    return newsletter;
  }

  delete(account: Account, jid: string): Newsletter {
    const newsletter = this.require(jid);
    if (newsletter.owner !== account.jid) throw refuse.ownerOnly();
    this.net.newsletters.delete(jid);
    return newsletter;
  }

  follow(account: Account, jid: string): Newsletter {
    const newsletter = this.require(jid);
    if (newsletter.admins.has(account.jid) || newsletter.followers.has(account.jid)) throw refuse.conflict('Already following');
    newsletter.followers.set(account.jid, { muted: false });
    return newsletter;
  }

  unfollow(account: Account, jid: string): Newsletter {
    const newsletter = this.require(jid);
    if (newsletter.owner === account.jid) throw refuse.ownerCannot();
    if (!newsletter.followers.delete(account.jid) && !newsletter.admins.delete(account.jid)) throw refuse.conflict('Not following');
    return newsletter;
  }

  mute(account: Account, jid: string, muted: boolean): Newsletter {
    const newsletter = this.require(jid);
    const follower = newsletter.followers.get(account.jid);
    if (!follower && !newsletter.admins.has(account.jid)) throw refuse.conflict('Not following');
    if (follower) follower.muted = muted;
    return newsletter;
  }

  demote(account: Account, jid: string, userJid: string): Newsletter {
    const newsletter = this.require(jid);
    if (newsletter.owner !== account.jid) throw refuse.ownerOnly();
    const user = this.net.findAccount(userJid);
    if (!user || user.jid === newsletter.owner || !newsletter.admins.has(user.jid)) throw refuse.notFound();
    newsletter.admins.delete(user.jid);
    newsletter.followers.set(user.jid, { muted: false });
    return newsletter;
  }

  /**
   * The owner makes a person an admin, as accepting the owner's admin invitation on a phone does (the request
   * behind the invitation is not known, so only the simulated network's control does it).
   */
  addAdmin(owner: Account, jid: string, user: Account): Newsletter {
    const newsletter = this.require(jid);
    if (newsletter.owner !== owner.jid) throw refuse.ownerOnly();
    if (newsletter.admins.has(user.jid)) throw refuse.conflict('Already an admin');
    newsletter.followers.delete(user.jid);
    newsletter.admins.add(user.jid);
    return newsletter;
  }

  /** An admin posts (the plaintext message proto): numbered, kept, and delivered to every follower's devices. */
  post(account: Account, jid: string, id: string, type: string, plaintext: Buffer, from?: Companion): NewsletterPost {
    const newsletter = this.adminOf(account, jid);
    const post: NewsletterPost = {
      serverId: newsletter.nextServerId++,
      id,
      t: Number(unixNow()),
      type,
      plaintext,
      author: account.jid,
      reactions: new Map(),
      views: 0,
    };
    newsletter.posts.push(post);
    const node: BinaryNode = {
      tag: 'message',
      attrs: { from: newsletter.jid, id: post.id, server_id: post.serverId.toString(), t: post.t.toString(), type: post.type },
      content: [{ tag: 'plaintext', attrs: {}, content: plaintext }],
    };
    for (const userJid of this.audience(newsletter)) {
      const reader = this.net.accounts.get(userJid);
      if (!reader) continue;
      if (reader !== account) this.received(reader, account, newsletter, post);
      for (const companion of reader.companions.values()) {
        if (companion !== from) this.net.deliver(companion, node);
      }
    }
    return post;
  }

  /** A follower reacts to a post (an empty code takes the reaction back); the admins' devices are told. */
  react(account: Account, jid: string, serverId: number, code: string): void {
    const newsletter = this.require(jid);
    if (roleOf(newsletter, account.jid) === 'GUEST') throw refuse.conflict('Not following');
    const post = newsletter.posts.find((p) => p.serverId === serverId);
    if (!post) throw new NewsletterRefusal(404, 'Message not found');
    if (code) {
      const allowed =
        newsletter.reactionCodes === 'ALL' || newsletter.reactionCodes === 'BLOCKLIST'
          ? true
          : newsletter.reactionCodes === 'BASIC'
            ? BASIC_REACTIONS.includes(code)
            : false;
      if (!allowed) throw refuse.bad('Reaction not allowed');
      post.reactions.set(account.jid, code);
    } else {
      post.reactions.delete(account.jid);
    }
    const notification = this.net.notification(newsletter.jid, 'newsletter', [
      {
        tag: 'reaction',
        attrs: { message_id: post.serverId.toString() },
        content: code ? [{ tag: 'reaction', attrs: {}, content: code }] : [],
      },
    ]);
    for (const admin of newsletter.admins) {
      for (const companion of this.net.accounts.get(admin)?.companions.values() ?? []) this.net.deliver(companion, notification);
    }
  }

  /** A page of posts, newest first: `count` of them before the server id `before` (all when absent). */
  posts(newsletter: Newsletter, count: number, before?: number): NewsletterPost[] {
    const older = newsletter.posts.filter((p) => before === undefined || p.serverId < before);
    return older.slice(-count).reverse();
  }

  /** Posts after the server id `after` (or since the time `since`), oldest first. */
  updates(newsletter: Newsletter, count: number, since?: number, after?: number): NewsletterPost[] {
    return newsletter.posts
      .filter((p) => (after === undefined || p.serverId > after) && (since === undefined || p.t >= since))
      .slice(0, count);
  }

  /** The `<message>` of a listed post, with its views and reaction counts. */
  postNode(post: NewsletterPost): BinaryNode {
    const counts = new Map<string, number>();
    for (const code of post.reactions.values()) counts.set(code, (counts.get(code) ?? 0) + 1);
    return {
      tag: 'message',
      attrs: { server_id: post.serverId.toString(), id: post.id, t: post.t.toString(), type: post.type },
      content: [
        { tag: 'plaintext', attrs: {}, content: post.plaintext },
        { tag: 'views_count', attrs: { count: post.views.toString() } },
        {
          tag: 'reactions',
          attrs: {},
          content: [...counts].map(([code, count]) => ({ tag: 'reaction', attrs: { code, count: count.toString() } })),
        },
      ],
    };
  }

  /** The `xwa2_newsletter` object of WhatsApp's GraphQL, as `viewer` is shown it. */
  metadata(newsletter: Newsletter, viewer: Account): Record<string, unknown> {
    const picture = newsletter.picture
      ? { id: newsletter.picture.id, type: 'IMAGE', direct_path: newsletter.picture.directPath }
      : { id: '', type: '', direct_path: '' };
    return {
      id: newsletter.jid,
      state: { type: 'ACTIVE' },
      thread_metadata: {
        creation_time: newsletter.creation.toString(),
        name: { id: newsletter.name.id, text: newsletter.name.text, update_time: newsletter.name.time.toString() },
        description: {
          id: newsletter.description.id,
          text: newsletter.description.text,
          update_time: newsletter.description.time.toString(),
        },
        handle: null,
        invite: newsletter.invite,
        picture,
        preview: picture,
        settings: { reaction_codes: { value: newsletter.reactionCodes } },
        subscribers_count: (newsletter.followers.size + newsletter.admins.size).toString(),
        verification: 'UNVERIFIED',
      },
      viewer_metadata: {
        mute: newsletter.followers.get(viewer.jid)?.muted ? 'ON' : 'OFF',
        role: roleOf(newsletter, viewer.jid),
      },
    };
  }

  /** Reads the stanza of a post or reaction a companion sent to a newsletter. */
  incoming(account: Account, companion: Companion, node: BinaryNode): { serverId?: number } {
    const jid = node.attrs.to;
    if (node.attrs.type === 'reaction') {
      const serverId = Number(node.attrs.server_id);
      if (!Number.isInteger(serverId)) throw refuse.bad('Missing server_id');
      const code = node.attrs.edit === '7' ? '' : (getBinaryNodeChild(node, 'reaction')?.attrs.code ?? '');
      this.react(account, jid, serverId, code);
      return {};
    }
    const plaintext = contentBuffer(getBinaryNodeChild(node, 'plaintext'));
    if (!plaintext) throw refuse.bad('A post is a plaintext message');
    return { serverId: this.post(account, jid, node.attrs.id, node.attrs.type ?? 'text', plaintext, companion).serverId };
  }

  private adminOf(account: Account, jid: string): Newsletter {
    const newsletter = this.require(jid);
    if (!newsletter.admins.has(account.jid)) throw refuse.notAdmin();
    return newsletter;
  }

  /** Who gets a post: its admins and followers. */
  private audience(newsletter: Newsletter): string[] {
    return [...new Set([...newsletter.admins, ...newsletter.followers.keys()])];
  }

  /** A simulated phone following the newsletter sees the post, as its control API reports messages. */
  private received(reader: Account, author: Account, newsletter: Newsletter, post: NewsletterPost): void {
    let message: proto.Message;
    try {
      message = proto.Message.decode(post.plaintext);
    } catch (error) {
      this.net.warn(`${reader.phone} could not read a post of ${newsletter.jid}`, error);
      return;
    }
    const record = {
      id: post.id,
      to: reader.phone,
      from: author.phone,
      fromDevice: author.jid,
      newsletter: newsletter.jid,
      serverId: post.serverId,
      timestamp: Date.now(),
      content: readMessage(message, this.media),
    };
    reader.inbox.push(record);
    this.net.emitter.emit('message', record);
  }
}

function randomId(): string {
  return randomBytes(7).readUIntBE(0, 6).toString();
}
