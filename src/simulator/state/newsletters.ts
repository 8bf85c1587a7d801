import { randomBytes, randomInt } from 'crypto';

/** What followers may react with: any emoji, a basic set, none; `BLOCKLIST` blocks a list (not modelled further). */
export type ReactionCodes = 'ALL' | 'BASIC' | 'NONE' | 'BLOCKLIST';

/** The emoji of the `BASIC` reaction setting. */
export const BASIC_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface NewsletterPicture {
  id: string;
  jpeg: Buffer;
  directPath: string;
  url: string;
}

/** A post, as the newsletter keeps it: the plaintext message proto and what followers made of it. */
export interface NewsletterPost {
  /** The newsletter's own numbering, monotonic from 100 (WhatsApp's `server_id`). */
  serverId: number;
  /** The message id its author chose. */
  id: string;
  t: number;
  /** `text`, `media`, `poll`… as the author's stanza said. */
  type: string;
  plaintext: Buffer;
  /** Phone-number user jid of the admin who posted. */
  author: string;
  /** Follower phone-number user jid → emoji. */
  reactions: Map<string, string>;
  views: number;
}

export interface Newsletter {
  /** `<digits>@newsletter`. */
  jid: string;
  name: { text: string; id: string; time: number };
  description: { text: string; id: string; time: number };
  /** The code of its https://whatsapp.com/channel/<code> link. */
  invite: string;
  creation: number;
  /** Phone-number user jid. */
  owner: string;
  admins: Set<string>;
  /** Follower phone-number user jid → muted. */
  followers: Map<string, { muted: boolean }>;
  picture: NewsletterPicture | null;
  reactionCodes: ReactionCodes;
  posts: NewsletterPost[];
  nextServerId: number;
}

export type NewsletterRole = 'OWNER' | 'ADMIN' | 'SUBSCRIBER' | 'GUEST';

export class NewsletterRegistry {
  private readonly byJid = new Map<string, Newsletter>();

  create(owner: string, name: string, description: string): Newsletter {
    const now = Math.floor(Date.now() / 1000);
    const newsletter: Newsletter = {
      jid: `1203634${randomInt(10 ** 9, 10 ** 10 - 1)}${randomInt(10 ** 4, 10 ** 5 - 1)}@newsletter`,
      name: { text: name, id: textId(), time: now },
      description: { text: description, id: textId(), time: now },
      invite: randomBytes(18).toString('base64url').slice(0, 24),
      creation: now,
      owner,
      admins: new Set([owner]),
      followers: new Map(),
      picture: null,
      reactionCodes: 'ALL',
      posts: [],
      nextServerId: 100,
    };
    this.byJid.set(newsletter.jid, newsletter);
    return newsletter;
  }

  get(jid: string): Newsletter | undefined {
    return this.byJid.get(jid);
  }

  byInvite(code: string): Newsletter | undefined {
    return [...this.byJid.values()].find((n) => n.invite === code);
  }

  followedBy(userJid: string): Newsletter[] {
    return [...this.byJid.values()].filter((n) => n.followers.has(userJid) || n.admins.has(userJid));
  }

  delete(jid: string): void {
    this.byJid.delete(jid);
  }
}

export function roleOf(newsletter: Newsletter, userJid: string): NewsletterRole {
  if (newsletter.owner === userJid) return 'OWNER';
  if (newsletter.admins.has(userJid)) return 'ADMIN';
  return newsletter.followers.has(userJid) ? 'SUBSCRIBER' : 'GUEST';
}

function textId(): string {
  return randomInt(10 ** 13, 10 ** 14).toString();
}
