import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { WireContent } from '../../engine/message-content';
import type { WireNewsletter, WireNewsletterPost } from '../../engine/ports/newsletters.port';
import { AppError } from '../../platform/errors/app-error';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';

const timestamp = z.iso.datetime({ offset: true });
const newsletterId = z.string().describe('The newsletter JID (`…@newsletter`).');
const reactions = z.enum(['all', 'basic', 'none', 'blocklist']);

/** WhatsApp's limits on a newsletter's texts. */
export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2048;

export const INVITE_LINK = 'https://whatsapp.com/channel/';
const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/;

export const newsletterSchema = z
  .object({
    id: newsletterId,
    name: z.string(),
    description: z.string().nullable(),
    invite_code: z.string().nullable().describe('The code of its link; null when WhatsApp does not say.'),
    invite_link: z.string().nullable().describe(`${INVITE_LINK}<invite_code>`),
    handle: z.string().nullable().describe('Its @handle, when it has one.'),
    subscribers: z.number().int().nullable().describe('How many follow it, as WhatsApp counts them.'),
    verified: z.boolean(),
    created_at: timestamp.nullable(),
    state: z.string().nullable().describe('`ACTIVE`, or why WhatsApp stopped it (`SUSPENDED`, `GEOSUSPENDED`…).'),
    has_picture: z.boolean(),
    role: z
      .enum(['owner', 'admin', 'subscriber', 'guest'])
      .nullable()
      .describe('This account’s role: it runs it (`owner`, `admin`), follows it (`subscriber`) or neither (`guest`).'),
    muted: z.boolean().describe('This account muted it.'),
    reactions: reactions
      .nullable()
      .describe(
        'What followers may react with: any emoji (`all`), a basic set (`basic`), nothing (`none`), any but a blocked list (`blocklist`).',
      ),
  })
  .meta({ id: 'Newsletter' });

export class NewsletterDto extends createZodDto(topLevel(newsletterSchema)) {}
export class NewsletterPageDto extends createZodDto(pageSchema(newsletterSchema)) {}
export class ListNewslettersQueryDto extends createZodDto(pageQuerySchema) {}

export const pictureSchema = z
  .object({
    media_id: z.string().min(1).max(200).optional().describe('An image from POST /v1/channels/{id}/media.'),
    source_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe('An image to fetch (within the plan’s media limit).'),
  })
  .refine((v) => Boolean(v.media_id) !== Boolean(v.source_url), { message: 'give exactly one of media_id and source_url' })
  .meta({ id: 'NewsletterPicture' });
export type PictureInput = z.infer<typeof pictureSchema>;

export const createNewsletterSchema = z.object({
  name: z.string().trim().min(1).max(NAME_MAX),
  description: z.string().max(DESCRIPTION_MAX).optional(),
  picture: pictureSchema.optional().describe('Its picture, set right after it is created.'),
});
export class CreateNewsletterDto extends createZodDto(createNewsletterSchema) {}
export type CreateNewsletterInput = z.infer<typeof createNewsletterSchema>;

export const updateNewsletterSchema = z
  .object({
    name: z.string().trim().min(1).max(NAME_MAX).optional(),
    description: z.string().max(DESCRIPTION_MAX).optional().describe('Empty removes the description.'),
    picture: pictureSchema.nullable().optional().describe('null removes the picture.'),
    reactions: reactions.optional().describe('What followers may react with.'),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'give name, description, picture or reactions' });
export class UpdateNewsletterDto extends createZodDto(updateNewsletterSchema) {}
export type UpdateNewsletterInput = z.infer<typeof updateNewsletterSchema>;

export class SubscriptionDto extends createZodDto(
  z.object({ newsletter_id: newsletterId, following: z.boolean().describe('Whether this account follows it now.') }),
) {}
export class MuteDto extends createZodDto(z.object({ newsletter_id: newsletterId, muted: z.boolean() })) {}
export class DeletedNewsletterDto extends createZodDto(z.object({ newsletter_id: newsletterId, deleted: z.literal(true) })) {}
export class DemotedAdminDto extends createZodDto(
  z.object({ newsletter_id: newsletterId, contact: z.string().describe('The JID it was read as.'), demoted: z.literal(true) }),
) {}

export const postSchema = z
  .object({
    server_id: z.number().int().describe("The newsletter's number for the post: reactions name it."),
    message_id: z.string().describe("WhatsApp's message id."),
    timestamp: timestamp.nullable(),
    type: z.string().describe('`text`, `image`, `video`, `audio`, `document`, `sticker`, `location`, `contact` or `unsupported`.'),
    text: z.string().nullable().describe('The text, or the caption of media.'),
    views: z.number().int(),
    reactions: z.array(z.object({ emoji: z.string(), count: z.number().int() })).describe('Each emoji with how many reacted with it.'),
  })
  .meta({ id: 'NewsletterPost' });
export class PostPageDto extends createZodDto(pageSchema(postSchema)) {}
export class ListPostsQueryDto extends createZodDto(pageQuerySchema) {}

export const reactionSchema = z.object({ emoji: z.string().min(1).max(16).describe('One emoji.') });
export class ReactionDto extends createZodDto(reactionSchema) {}
export class ReactedDto extends createZodDto(
  z.object({
    newsletter_id: newsletterId,
    server_id: z.number().int(),
    emoji: z.string().nullable().describe('null once the reaction is taken back.'),
  }),
) {}

/** An invite code in a path (`…/newsletters/link/{inviteCode}`); anything else is invalid_request. */
export function parseInviteCode(value: string): string {
  if (INVITE_CODE.test(value)) return value;
  throw new AppError('invalid_request', 'Invalid inviteCode: not a WhatsApp channel invite code.', {
    details: {
      issues: [{ path: ['inviteCode'], code: 'invalid_invite_code', message: `must be the code of a ${INVITE_LINK} link` }],
    },
  });
}

/** A post's server id in a path. */
export function parseServerId(value: string): number {
  if (/^[1-9]\d{0,15}$/.test(value)) return Number(value);
  throw new AppError('invalid_request', 'Invalid serverId: not a post number.', {
    details: { issues: [{ path: ['serverId'], code: 'invalid_server_id', message: 'must be the server_id of a post' }] },
  });
}

export function toNewsletter(wire: WireNewsletter) {
  return {
    id: wire.jid,
    name: wire.name,
    description: wire.description,
    invite_code: wire.inviteCode,
    invite_link: wire.inviteCode ? `${INVITE_LINK}${wire.inviteCode}` : null,
    handle: wire.handle,
    subscribers: wire.subscribers,
    verified: wire.verified,
    created_at: wire.createdAt?.toISOString() ?? null,
    state: wire.state,
    has_picture: wire.picturePath !== null,
    role: wire.role,
    muted: wire.muted,
    reactions: wire.reactions,
  };
}

export function toPost(post: WireNewsletterPost) {
  return {
    server_id: post.serverId,
    message_id: post.waMessageId,
    timestamp: post.timestamp?.toISOString() ?? null,
    type: post.content?.type ?? 'unsupported',
    text: post.content ? textOf(post.content) : null,
    views: post.views,
    reactions: post.reactions,
  };
}

function textOf(content: WireContent): string | null {
  if (content.type === 'text') return content.text;
  if ('caption' in content) return content.caption ?? null;
  if (content.type === 'location') return content.name ?? null;
  if (content.type === 'contact') return content.displayName;
  return null;
}
