import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto } from '@whiskeysockets/baileys';
import { AppError } from '../../platform/errors/app-error';
import type { NewsletterReactions, NewsletterRole, WireNewsletter, WireNewsletterPost } from '../ports/newsletters.port';
import { toAppError, iqErrorCode } from './baileys-errors';
import { readContent } from './baileys-messages';

/** WhatsApp's GraphQL `xwa2_newsletter` object, as far as the gateway reads it. */
export interface RawNewsletter {
  id?: string;
  state?: { type?: string } | null;
  thread_metadata?: {
    creation_time?: string | number;
    name?: { text?: string } | null;
    description?: { text?: string } | null;
    handle?: string | null;
    invite?: string | null;
    picture?: { direct_path?: string } | null;
    settings?: { reaction_codes?: { value?: string } | null } | null;
    subscribers_count?: string | number;
    verification?: string;
  } | null;
  viewer_metadata?: { mute?: string; role?: string } | null;
}

const ROLES: Record<string, NewsletterRole> = { OWNER: 'owner', ADMIN: 'admin', SUBSCRIBER: 'subscriber', GUEST: 'guest' };
const REACTIONS: Record<string, NewsletterReactions> = { ALL: 'all', BASIC: 'basic', NONE: 'none', BLOCKLIST: 'blocklist' };

export function toWireNewsletter(raw: RawNewsletter): WireNewsletter {
  if (!raw.id) throw new AppError('internal_error', 'WhatsApp answered without a newsletter.');
  const thread = raw.thread_metadata ?? {};
  const created = Number(thread.creation_time ?? 0);
  const subscribers = Number(thread.subscribers_count);
  return {
    jid: raw.id,
    name: thread.name?.text ?? '',
    description: thread.description?.text || null,
    inviteCode: thread.invite || null,
    handle: thread.handle || null,
    subscribers: Number.isFinite(subscribers) ? subscribers : null,
    verified: thread.verification === 'VERIFIED',
    createdAt: created > 0 ? new Date(created * 1000) : null,
    state: raw.state?.type ?? null,
    picturePath: thread.picture?.direct_path || null,
    role: ROLES[raw.viewer_metadata?.role ?? ''] ?? null,
    muted: raw.viewer_metadata?.mute === 'ON',
    reactions: REACTIONS[thread.settings?.reaction_codes?.value ?? ''] ?? null,
  };
}

/** WhatsApp's name of a reaction setting. */
export function toReactionCodes(reactions: NewsletterReactions): string {
  return reactions.toUpperCase();
}

/** The `<message>` children of a newsletter's `<messages>` answer, as posts. */
export function toWirePosts(messages: BinaryNode | undefined): WireNewsletterPost[] {
  return getBinaryNodeChildren(messages, 'message').map((node) => {
    const seconds = Number(node.attrs.t ?? 0);
    const views = Number(getBinaryNodeChild(node, 'views_count')?.attrs.count ?? 0);
    return {
      serverId: Number(node.attrs.server_id),
      waMessageId: node.attrs.id ?? '',
      timestamp: seconds > 0 ? new Date(seconds * 1000) : null,
      content: readPlaintext(getBinaryNodeChild(node, 'plaintext')),
      views: Number.isFinite(views) ? views : 0,
      reactions: getBinaryNodeChildren(getBinaryNodeChild(node, 'reactions'), 'reaction').map((r) => ({
        emoji: r.attrs.code ?? '',
        count: Number(r.attrs.count ?? 0),
      })),
    };
  });
}

function readPlaintext(node: BinaryNode | undefined) {
  if (!(node?.content instanceof Uint8Array)) return null;
  try {
    return readContent(proto.Message.decode(node.content));
  } catch {
    return null;
  }
}

interface Mapping {
  code: 'other' | 'not_found' | 'invalid_request';
  status?: number;
  reason: string;
  message: string;
}

/** Newsletter refusals in the gateway's terms, with a machine-readable reason. */
const NEWSLETTER_REFUSALS: Record<number, Mapping> = {
  400: {
    code: 'invalid_request',
    reason: 'whatsapp_bad_request',
    message: 'WhatsApp refused the newsletter request as malformed or not allowed.',
  },
  401: { code: 'other', status: 403, reason: 'not_admin', message: 'Only the newsletter’s admins (or, for this, its owner) may do that.' },
  403: {
    code: 'other',
    status: 403,
    reason: 'not_allowed',
    message: 'WhatsApp does not allow this account to do that (an owner cannot leave its newsletter).',
  },
  404: {
    code: 'not_found',
    reason: 'newsletter_not_found',
    message: 'WhatsApp knows no such newsletter (or no such post or admin in it).',
  },
};

/** Each operation's 409, named for what it means there. */
const CONFLICTS: Record<string, { reason: string; message: string }> = {
  follow: { reason: 'already_following', message: 'The channel’s account already follows this newsletter.' },
  unfollow: { reason: 'not_following', message: 'The channel’s account does not follow this newsletter.' },
  mute: { reason: 'not_following', message: 'The channel’s account does not follow this newsletter.' },
  react: { reason: 'not_following', message: 'Only followers react to posts.' },
};

/**
 * The API's error for a refused newsletter request. WhatsApp answers w:mex queries with GraphQL errors
 * (Baileys raises them with the error code as status) and IQs with `<error code>`.
 */
export function toNewsletterAppError(error: unknown, op: string): AppError {
  const operation = `newsletters.${op}`;
  if (error instanceof AppError) return error;
  const code = iqErrorCode(error);
  const conflict = code === 409 ? CONFLICTS[op] : undefined;
  const mapping: Mapping | undefined = conflict
    ? { code: 'other', status: 409, ...conflict }
    : code !== undefined
      ? NEWSLETTER_REFUSALS[code]
      : undefined;
  if (!mapping) return toAppError(error, operation);
  const text = error instanceof Error ? error.message : String(error);
  return new AppError(mapping.code, mapping.message, {
    details: { reason: mapping.reason, operation, whatsapp_status: code, whatsapp_text: text },
    cause: error,
    ...(mapping.status ? { status: mapping.status } : {}),
  });
}

/** A refusal WhatsApp gave in an ack or GraphQL error, raised as Baileys raises its refusals (a Boom with the code). */
export function whatsappRefusal(message: string, status: number): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode: status } });
}
