import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
import type { ReactionCodes } from '../state/newsletters';
import type { Network } from './network';
import { NewsletterRefusal, type NewsletterOps, type NewsletterUpdates } from './newsletter-ops';
import { contentBuffer, firstChild, iqError, iqResult } from './nodes';

/**
 * The GraphQL documents the simulated server runs over `w:mex`, by query id, with the key their answer
 * carries under `data`. The ids are WhatsApp's (as Baileys 7 and whatsmeow send them); any other id is
 * reported as unhandled and refused.
 */
export const MEX_QUERIES = {
  '8823471724422422': 'xwa2_newsletter_create',
  '24250201037901610': 'xwa2_newsletter_update',
  '6563316087068696': 'xwa2_newsletter',
  '9783111038412085': 'xwa2_newsletter_subscribers',
  '24404358912487870': 'xwa2_newsletter_join_v2',
  '9767147403369991': 'xwa2_newsletter_leave_v2',
  '29766401636284406': 'xwa2_newsletter_mute_v2',
  '9864994326891137': 'xwa2_newsletter_unmute_v2',
  '7130823597031706': 'xwa2_newsletter_admin',
  '6551828931592903': 'xwa2_newsletter_demote',
  '30062808666639665': 'xwa2_newsletter_delete_v2',
  '6388546374527196': 'xwa2_newsletter_subscribed',
} as const;

type MexPath = (typeof MEX_QUERIES)[keyof typeof MEX_QUERIES];

const REACTION_CODES = new Set<ReactionCodes>(['ALL', 'BASIC', 'NONE', 'BLOCKLIST']);

/** How long a `<live_updates/>` subscription lasts, in seconds. */
const LIVE_UPDATES_S = 300;

/**
 * Newsletters (WhatsApp Channels) on the wire: the `w:mex` GraphQL queries (create, metadata by jid or invite,
 * update, follow, mute, demote, delete, the followed list) answered as `<result>` JSON, refusals as GraphQL
 * errors; and the `newsletter` IQs (posts listing, message updates, live updates).
 */
export class NewsletterIq {
  constructor(
    private readonly net: Network,
    private readonly ops: NewsletterOps,
  ) {}

  mex(account: Account, node: BinaryNode): BinaryNode {
    const query = firstChild(node);
    const path = query?.tag === 'query' ? MEX_QUERIES[query.attrs.query_id as keyof typeof MEX_QUERIES] : undefined;
    if (!query || !path) {
      this.net.unhandled(`w:mex query_id=${query?.attrs.query_id ?? ''}`);
      return iqError(node, 400, 'bad-request');
    }
    let variables: Record<string, unknown>;
    try {
      variables = (JSON.parse(contentBuffer(query)?.toString('utf-8') ?? '') as { variables?: Record<string, unknown> }).variables ?? {};
    } catch {
      return mexResult(node, { errors: [{ message: 'Invalid JSON', extensions: { error_code: 400 } }] });
    }
    try {
      return mexResult(node, { data: { [path]: this.run(account, path, variables) } });
    } catch (error) {
      if (!(error instanceof NewsletterRefusal)) throw error;
      return mexResult(node, { errors: [{ message: error.text, extensions: { error_code: error.code } }] });
    }
  }

  /** `xmlns="newsletter"`: the posts of a newsletter, their updates, and live updates. */
  newsletter(account: Account, node: BinaryNode): BinaryNode {
    const child = firstChild(node);
    try {
      if (node.attrs.type === 'get' && child?.tag === 'messages' && child.attrs.type === 'jid') {
        const newsletter = this.ops.require(child.attrs.jid);
        const before = child.attrs.before ? Number(child.attrs.before) : undefined;
        const posts = this.ops.posts(newsletter, count(child.attrs.count), before);
        return iqResult(node, [{ tag: 'messages', attrs: { jid: newsletter.jid }, content: posts.map((p) => this.ops.postNode(p)) }]);
      }
      if (node.attrs.type === 'get' && child?.tag === 'message_updates') {
        const newsletter = this.ops.require(node.attrs.to);
        const since = child.attrs.since ? Number(child.attrs.since) : undefined;
        const after = child.attrs.after ? Number(child.attrs.after) : undefined;
        const posts = this.ops.updates(newsletter, count(child.attrs.count), since, after);
        return iqResult(node, [
          {
            tag: 'message_updates',
            attrs: {},
            content: [{ tag: 'messages', attrs: {}, content: posts.map((p) => this.ops.postNode(p)) }],
          },
        ]);
      }
      if (node.attrs.type === 'set' && child?.tag === 'live_updates') {
        this.ops.require(node.attrs.to);
        return iqResult(node, [{ tag: 'live_updates', attrs: { duration: LIVE_UPDATES_S.toString() } }]);
      }
    } catch (error) {
      if (!(error instanceof NewsletterRefusal)) throw error;
      return iqError(node, error.code, error.code === 404 ? 'item-not-found' : 'bad-request');
    }
    this.net.unhandled(`iq xmlns=newsletter type=${node.attrs.type} <${child?.tag ?? ''}>`);
    return iqError(node, 501, 'feature-not-implemented');
  }

  private run(account: Account, path: MexPath, variables: Record<string, unknown>): unknown {
    const ops = this.ops;
    const id = () => text(variables.newsletter_id, 'newsletter_id');
    switch (path) {
      case 'xwa2_newsletter_create': {
        const input = (variables.input ?? {}) as Record<string, unknown>;
        const created = ops.create(account, text(input.name, 'name'), typeof input.description === 'string' ? input.description : '');
        return ops.metadata(created, account);
      }
      case 'xwa2_newsletter': {
        const input = (variables.input ?? {}) as Record<string, unknown>;
        const key = text(input.key, 'key');
        const newsletter = input.type === 'INVITE' ? ops.byInvite(key) : ops.require(key);
        return ops.metadata(newsletter, account);
      }
      case 'xwa2_newsletter_update':
        return ops.metadata(ops.update(account, id(), readUpdates(variables.updates)), account);
      case 'xwa2_newsletter_subscribers': {
        const newsletter = ops.require(id());
        return { subscribers_count: (newsletter.followers.size + newsletter.admins.size).toString() };
      }
      case 'xwa2_newsletter_join_v2':
        return { id: ops.follow(account, id()).jid };
      case 'xwa2_newsletter_leave_v2':
        return { id: ops.unfollow(account, id()).jid };
      case 'xwa2_newsletter_mute_v2':
        return { id: ops.mute(account, id(), true).jid, mute: 'ON' };
      case 'xwa2_newsletter_unmute_v2':
        return { id: ops.mute(account, id(), false).jid, mute: 'OFF' };
      case 'xwa2_newsletter_admin':
        return { admin_count: ops.require(id()).admins.size };
      case 'xwa2_newsletter_demote':
        return { id: ops.demote(account, id(), text(variables.user_id, 'user_id')).jid };
      case 'xwa2_newsletter_delete_v2':
        return { id: ops.delete(account, id()).jid, state: { type: 'DELETED' } };
      case 'xwa2_newsletter_subscribed':
        return this.net.newsletters.followedBy(account.jid).map((n) => ops.metadata(n, account));
    }
  }
}

function mexResult(node: BinaryNode, body: unknown): BinaryNode {
  return iqResult(node, [{ tag: 'result', attrs: {}, content: Buffer.from(JSON.stringify(body), 'utf-8') }]);
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value) throw new NewsletterRefusal(400, `Missing ${name}`);
  return value;
}

function count(value: string | undefined): number {
  const n = Number(value ?? 50);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 50;
}

/** `updates` of xwa2_newsletter_update: name, description, picture and the reaction setting. */
function readUpdates(value: unknown): NewsletterUpdates {
  const updates = (value ?? {}) as Record<string, unknown>;
  const result: NewsletterUpdates = {};
  if (typeof updates.name === 'string') result.name = updates.name;
  if (typeof updates.description === 'string') result.description = updates.description;
  if (typeof updates.picture === 'string') result.picture = updates.picture;
  const settings = updates.settings as { reaction_codes?: { value?: unknown } } | null | undefined;
  const codes = settings?.reaction_codes?.value;
  if (codes !== undefined) {
    if (!REACTION_CODES.has(codes as ReactionCodes)) throw new NewsletterRefusal(400, 'Unknown reaction setting');
    result.reactionCodes = codes as ReactionCodes;
  }
  return result;
}
