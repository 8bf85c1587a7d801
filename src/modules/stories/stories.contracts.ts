import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { STORY_FONTS } from '../../engine/ports/stories.port';
import { pageQuerySchema, pageSchema } from '../../platform/pagination';
import { imageBody, videoBody } from '../messages/messages.contracts';
import { phoneOf } from '../whatsapp/jid';

/** The most viewers one story goes to: a longer list is refused, `audience: "contacts"` takes the most recent this many. */
export const MAX_AUDIENCE = 256;

/** How long WhatsApp shows a story. */
export const STORY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export const STORY_TYPES = ['text', 'image', 'video'] as const;
const FONT_NAMES = Object.keys(STORY_FONTS) as [keyof typeof STORY_FONTS, ...(keyof typeof STORY_FONTS)[]];

const audienceSchema = z
  .union([
    z.literal('contacts').describe('Every contact the channel knows (GET …/contacts), up to the cap, most recently heard of first.'),
    z
      .object({
        contacts: z
          .array(z.string().trim().min(1).max(64))
          .min(1)
          .max(MAX_AUDIENCE)
          .describe(`E.164 numbers, user JIDs or LIDs; 1 to ${MAX_AUDIENCE}.`),
      })
      .strict(),
  ])
  .describe(
    "Who sees the story. WhatsApp shows a story only to the viewers it is sent to (an empty list reaches nobody), so the audience is always named. The channel's own account is added, so its phone and other devices show the story too.",
  );

const common = { audience: audienceSchema };

export const postStorySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().trim().min(1).max(700).describe('The text shown on the story, up to 700 characters.'),
    background_color: z
      .string()
      .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour such as #1F8A70')
      .optional()
      .describe('Background colour, `#RRGGBB`; WhatsApp picks one when absent.'),
    font: z.enum(FONT_NAMES).optional().describe("One of WhatsApp's story fonts."),
    ...common,
  }),
  z.object({ type: z.literal('image'), image: imageBody, ...common }),
  z.object({ type: z.literal('video'), video: videoBody, ...common }),
]);

export type PostStoryInput = z.infer<typeof postStorySchema>;
// A discriminated union cannot be a class DTO's base (TS2509): a const and a type of the same name instead.
export const PostStoryDto = createZodDto(postStorySchema);
Object.defineProperty(PostStoryDto, 'name', { value: 'PostStoryDto' });
export type PostStoryDto = PostStoryInput;

const viewerSchema = () =>
  z.object({
    jid: z.string().describe('The viewer as the channel knows them: phone-number JID, or LID when no number is known.'),
    phone_number: z.string().nullable().describe('E.164, when known.'),
    lid: z.string().nullable().describe('The LID WhatsApp named the viewer by, when it did.'),
  });

/** A view of a story; a fresh schema per use, inlined where it is used (the story, the story.viewed event). */
export const storyViewSchema = () => z.object({ viewer: viewerSchema(), viewed_at: z.iso.datetime({ offset: true }) });

/** A fresh schema per use: one reused inside a component would be pulled out under a name of its parent's. */
const mediaContent = (kind: string) =>
  z
    .object({
      media_id: z.string().optional(),
      source_url: z.string().optional(),
      mime_type: z.string().optional(),
      caption: z.string().optional(),
    })
    .describe(`${kind} stories: as sent.`);

export const storySchema = z
  .object({
    id: z.string().describe("The story's id; also its message id in history (chat `status@broadcast`)."),
    channel_id: z.string(),
    wa_message_id: z.string().describe("WhatsApp's id of the story."),
    type: z.enum(STORY_TYPES),
    text: z.string().optional().describe('Text stories.'),
    background_color: z.string().nullable().optional().describe('Text stories: `#RRGGBB`, or null when WhatsApp picks.'),
    font: z.enum(FONT_NAMES).nullable().optional().describe('Text stories: the font, or null for the default.'),
    image: mediaContent('Image').optional(),
    video: mediaContent('Video').optional(),
    audience: z.object({
      type: z.enum(['contacts', 'list']).describe('`contacts`: every known contact; `list`: the contacts named.'),
      size: z.number().int().nonnegative().describe("How many viewers it went to (the channel's own account not counted)."),
    }),
    posted_at: z.iso.datetime({ offset: true }),
    expires_at: z.iso.datetime({ offset: true }).describe('posted_at + 24 h: WhatsApp stops showing it then, and so does this API.'),
    views: z.array(storyViewSchema()).describe('Who viewed it (read receipts from the viewers), earliest first.'),
  })
  // no component id: a top-level DTO with nested objects renders differently from the same schema inside the page
  .describe('A story the channel posted.');

export class StoryDto extends createZodDto(storySchema) {}
export class StoryPageDto extends createZodDto(pageSchema(storySchema)) {}
export class ListStoriesQueryDto extends createZodDto(pageQuerySchema) {}

export interface StoryRowView {
  id: string;
  channelId: string;
  waMessageId: string;
  type: string;
  content: unknown;
  audienceKind: string;
  audience: unknown;
  postedAt: Date;
}

export interface StoryViewRowView {
  viewerJid: string;
  viewerLid: string | null;
  viewedAt: Date;
}

export function toStoryView(view: StoryViewRowView) {
  return {
    viewer: { jid: view.viewerJid, phone_number: phoneOf(view.viewerJid), lid: view.viewerLid },
    viewed_at: view.viewedAt.toISOString(),
  };
}

export function toStory(row: StoryRowView, views: StoryViewRowView[]) {
  return {
    id: row.id,
    channel_id: row.channelId,
    wa_message_id: row.waMessageId,
    type: row.type as (typeof STORY_TYPES)[number],
    ...(row.content as Record<string, unknown>),
    audience: { type: row.audienceKind as 'contacts' | 'list', size: (row.audience as string[]).length },
    posted_at: row.postedAt.toISOString(),
    expires_at: new Date(row.postedAt.getTime() + STORY_LIFETIME_MS).toISOString(),
    views: views.map(toStoryView),
  };
}
