import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';

const timestamp = z.iso.datetime({ offset: true });
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'location',
  'contact',
  'sticker',
  'reaction',
  'template',
  'interactive',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
/** Types only ever received: an order placed from a catalog, and what the gateway does not read. */
export const RECEIVED_TYPES = ['order', 'unsupported'] as const;
export const STORED_TYPES = [...MESSAGE_TYPES, ...RECEIVED_TYPES] as const;
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'received'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const recipient = z
  .string()
  .trim()
  .describe(
    'E.164 number (+15551234567), user JID (…@s.whatsapp.net), LID (…@lid), group JID (…@g.us) or newsletter JID (…@newsletter, a post: the channel must be its owner or an admin).',
  );

const mediaBody = (kind: string, extra: z.ZodRawShape = {}) =>
  z
    .object({
      media_id: z.string().min(1).max(200).optional().describe('A media id from POST /v1/channels/{id}/media.'),
      source_url: z
        .url({ protocol: /^https?$/ })
        .max(2048)
        .optional()
        .describe('Fetched once (public addresses only unless the operator allows others).'),
      mime_type: z
        .string()
        .regex(/^[\w.+-]+\/[\w.+-]+(;.*)?$/, 'must be a MIME type such as image/jpeg')
        .optional(),
      ...extra,
    })
    .refine((m) => Boolean(m.media_id) !== Boolean(m.source_url), { message: 'give exactly one of media_id and source_url' })
    .describe(`The ${kind}: exactly one of media_id and source_url.`);

const caption = z.string().max(1024).optional();

export const imageBody = mediaBody('image', { caption }).meta({ id: 'ImageContent' });
export const videoBody = mediaBody('video', { caption }).meta({ id: 'VideoContent' });
export const audioBody = mediaBody('audio', { voice: z.boolean().optional().describe('Send as a voice note (push-to-talk).') }).meta({
  id: 'AudioContent',
});
export const documentBody = mediaBody('document', { caption, filename: z.string().min(1).max(255).optional() }).meta({
  id: 'DocumentContent',
});
export const stickerBody = mediaBody('sticker').meta({ id: 'StickerContent' });

export const locationBody = z
  .object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(256).optional(),
    address: z.string().max(512).optional(),
  })
  .meta({ id: 'LocationContent' });

export const contactBody = z
  .object({
    name: z.string().trim().min(1).max(256),
    phones: z
      .array(z.object({ phone: e164, type: z.string().max(32).optional().describe('e.g. CELL, WORK') }))
      .min(1)
      .max(10),
    organization: z.string().max(256).optional(),
    vcard: z.string().max(8192).optional().describe('The vCard as received (inbound); built from the fields above on sends.'),
  })
  .meta({ id: 'ContactContent' });

export const reactionBody = z
  .object({
    message_id: z.string().min(1).max(100).describe('The message reacted to (its `id` in this API).'),
    emoji: z.string().max(16).describe('One emoji; an empty string removes the reaction.'),
  })
  .meta({ id: 'ReactionContent' });

const button = z.discriminatedUnion('type', [
  z.object({ type: z.literal('quick_reply'), text: z.string().min(1).max(25) }),
  z.object({ type: z.literal('url'), text: z.string().min(1).max(25), url: z.url({ protocol: /^https?$/ }) }),
  z.object({ type: z.literal('phone_number'), text: z.string().min(1).max(25), phone_number: e164 }),
]);

export const templateBody = z
  .object({
    name: z.string().min(1).max(512).describe('Your name for the template (kept in history; not sent).'),
    language: z.string().min(2).max(15).optional(),
    header: z.string().max(60).optional(),
    body: z.string().min(1).max(1024),
    footer: z.string().max(60).optional(),
    buttons: z.array(button).max(10).optional(),
  })
  .meta({ id: 'TemplateContent' })
  .describe(
    'Cloud-API-like template. Linked devices cannot send WhatsApp Business templates, so the recipient sees one text message: the header in bold, the body, the footer in italics, then one line per button ("▸ text", "text: url", "text: +phone").',
  );

const textPart = z.object({ text: z.string().min(1).max(1024) });
const headerPart = z.object({ type: z.literal('text'), text: z.string().min(1).max(60) });
const interactiveCommon = {
  header: headerPart.optional(),
  body: textPart,
  footer: z.object({ text: z.string().min(1).max(60) }).optional(),
};

export const interactiveBody = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('button'),
      ...interactiveCommon,
      action: z.object({
        buttons: z
          .array(
            z.object({ type: z.literal('reply'), reply: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }) }),
          )
          .min(1)
          .max(3),
      }),
    }),
    z.object({
      type: z.literal('list'),
      ...interactiveCommon,
      action: z.object({
        button: z.string().min(1).max(20),
        sections: z
          .array(
            z.object({
              title: z.string().max(24).optional(),
              rows: z
                .array(
                  z.object({
                    id: z.string().min(1).max(200),
                    title: z.string().min(1).max(24),
                    description: z.string().max(72).optional(),
                  }),
                )
                .min(1)
                .max(10),
            }),
          )
          .min(1)
          .max(10),
      }),
    }),
    z.object({
      type: z.literal('cta_url'),
      ...interactiveCommon,
      action: z.object({
        name: z.literal('cta_url'),
        parameters: z.object({ display_text: z.string().min(1).max(20), url: z.url({ protocol: /^https?$/ }) }),
      }),
    }),
  ])
  .meta({ id: 'InteractiveContent' })
  .describe(
    'Cloud-API-like interactive message (reply buttons, list, CTA URL). Linked devices cannot send native buttons that WhatsApp clients still display, so the recipient sees one text message: the header in bold, the body, the options numbered ("1. Yes"), list sections by title, a CTA as "display text: url", and the footer in italics. Replies arrive as ordinary text.',
  );

const base = {
  to: recipient,
  client_ref: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Your idempotency key: a repeat within the window returns the original message.'),
};

export const CONTENT_SCHEMAS = {
  text: z.string().min(1).max(4096),
  image: imageBody,
  video: videoBody,
  audio: audioBody,
  document: documentBody,
  location: locationBody,
  contact: contactBody,
  sticker: stickerBody,
  reaction: reactionBody,
  template: templateBody,
  interactive: interactiveBody,
} as const;

function variant<T extends MessageType>(type: T) {
  return z.object({ type: z.literal(type), ...base, [type]: CONTENT_SCHEMAS[type] } as { type: z.ZodLiteral<T> } & typeof base &
    Record<T, (typeof CONTENT_SCHEMAS)[T]>);
}

export const sendMessageSchema = z.discriminatedUnion('type', [
  variant('text'),
  variant('image'),
  variant('video'),
  variant('audio'),
  variant('document'),
  variant('location'),
  variant('contact'),
  variant('sticker'),
  variant('reaction'),
  variant('template'),
  variant('interactive'),
]);
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

// A discriminated union cannot be a class DTO's base (TS2509): a const and a type of the same name instead.
export const SendMessageDto = createZodDto(sendMessageSchema);
Object.defineProperty(SendMessageDto, 'name', { value: 'SendMessageDto' });
export type SendMessageDto = SendMessageInput;

export const sendResultSchema = z.object({
  message_id: z.string(),
  client_ref: z.string().nullable(),
  status: z
    .enum(MESSAGE_STATUSES)
    .describe('`sent` when it went out while the request waited, else `queued` (or its current status for a repeated client_ref).'),
});
export class SendResultDto extends createZodDto(sendResultSchema) {}

/*
 * Message content as the API returns it: the send shapes, plus what the gateway adds (a contact's vCard) and
 * what received messages carry (media metadata, the WhatsApp id a reaction names). Received content was
 * written by someone else, so it is described without the send length limits.
 */
const mediaContent = <E extends z.ZodRawShape = Record<never, never>>(kind: string, extra: E = {} as E) =>
  z
    .object({
      media_id: z
        .string()
        .nullable()
        .optional()
        .describe(
          'The stored media (GET /v1/channels/{channelId}/media/{mediaId}). Received: null when the download failed (see media_error). Absent on sends by source_url.',
        ),
      source_url: z.string().optional().describe('Sends by URL: where the bytes were fetched from.'),
      mime_type: z.string().optional(),
      caption: z.string().optional(),
      filename: z.string().optional(),
      file_size: z.number().int().optional().describe('Received: size in bytes.'),
      sha256: z.string().optional().describe('Received: SHA-256 of the bytes (lowercase hex once stored).'),
      media_error: z.string().optional().describe('Received: why the bytes could not be stored.'),
      url: z.string().optional().describe('In message.received events only: a signed link to the bytes (valid MEDIA_URL_TTL_SECONDS).'),
      ...extra,
    })
    .describe(`The ${kind}.`);

export const imageContent = mediaContent('image').meta({ id: 'ImageMessageContent' });
export const videoContent = mediaContent('video').meta({ id: 'VideoMessageContent' });
export const audioContent = mediaContent('audio', { voice: z.boolean().optional().describe('A voice note (push-to-talk).') }).meta({
  id: 'AudioMessageContent',
});
export const documentContent = mediaContent('document').meta({ id: 'DocumentMessageContent' });
export const stickerContent = mediaContent('sticker').meta({ id: 'StickerMessageContent' });

export const locationContent = z
  .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
  .meta({ id: 'LocationMessageContent' });

export const contactContent = z
  .object({
    name: z.string(),
    phones: z.array(z.object({ phone: z.string().describe('E.164.'), type: z.string().optional().describe('e.g. CELL, WORK') })),
    organization: z.string().optional(),
    vcard: z.string().describe('The vCard: as received, or built from the fields of a send.'),
  })
  .meta({ id: 'ContactMessageContent' });

export const reactionContent = z
  .object({
    message_id: z.string().nullable().describe('The message reacted to (its `id` in this API); null when it is not in the history.'),
    emoji: z.string().describe('An empty string removes the reaction.'),
    wa_message_id: z.string().optional().describe('Received: the WhatsApp id of the message reacted to.'),
  })
  .meta({ id: 'ReactionMessageContent' });

export const orderContent = z
  .object({
    order_id: z.string().describe("WhatsApp's id of the order; its items: GET /v1/channels/{channelId}/business/orders."),
    status: z.enum(['inquiry', 'accepted', 'declined']),
    item_count: z.number().int().describe('Items ordered (quantities summed).'),
    total_amount_1000: z.number().int().nullable().describe('The total × 1000 in the currency.'),
    currency: z.string().nullable(),
    title: z.string().nullable(),
    text: z.string().nullable().describe("The customer's note."),
    seller: z.string().nullable().describe('The JID of the business the order is placed with.'),
  })
  .meta({ id: 'OrderMessageContent' })
  .describe('An order a customer placed from the catalog (received only).');

export const unsupportedContent = z
  .object({ keys: z.array(z.string()).describe('The WhatsApp message fields it carried.') })
  .meta({ id: 'UnsupportedMessageContent' })
  .describe('A message type the gateway does not read (polls, calls, …).');

/** Each type's content as stored and presented: what sits under the field named after the message's type. */
export const STORED_CONTENT_SCHEMAS = {
  text: z.string(),
  image: imageContent,
  video: videoContent,
  audio: audioContent,
  document: documentContent,
  sticker: stickerContent,
  location: locationContent,
  contact: contactContent,
  reaction: reactionContent,
  template: templateBody,
  interactive: interactiveBody,
  order: orderContent,
  unsupported: unsupportedContent,
} as const;

export const messageSchema = z
  .object({
    id: z.string(),
    channel_id: z.uuid(),
    chat_id: z.string().describe('The chat: user JID, LID or group JID.'),
    from: z
      .string()
      .nullable()
      .describe(
        'Author JID (inbound): the phone-number JID when WhatsApp named it or the pair is known, else the LID; null for messages this channel sent.',
      ),
    from_lid: z.string().nullable().describe('The author’s LID (…@lid) when WhatsApp addressed them by it (inbound); null otherwise.'),
    direction: z.enum(['outbound', 'inbound']),
    type: z.enum(STORED_TYPES),
    status: z.enum(MESSAGE_STATUSES),
    failure_reason: z.string().nullable(),
    client_ref: z.string().nullable(),
    wa_message_id: z.string(),
    push_name: z.string().nullable(),
    timestamp: timestamp.describe('WhatsApp timestamp (inbound) or when it was accepted (outbound).'),
    sent_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    read_at: timestamp.nullable(),
    created_at: timestamp,
    text: STORED_CONTENT_SCHEMAS.text.optional(),
    image: STORED_CONTENT_SCHEMAS.image.optional(),
    video: STORED_CONTENT_SCHEMAS.video.optional(),
    audio: STORED_CONTENT_SCHEMAS.audio.optional(),
    document: STORED_CONTENT_SCHEMAS.document.optional(),
    sticker: STORED_CONTENT_SCHEMAS.sticker.optional(),
    location: STORED_CONTENT_SCHEMAS.location.optional(),
    contact: STORED_CONTENT_SCHEMAS.contact.optional(),
    reaction: STORED_CONTENT_SCHEMAS.reaction.optional(),
    template: STORED_CONTENT_SCHEMAS.template.optional(),
    interactive: STORED_CONTENT_SCHEMAS.interactive.optional(),
    order: STORED_CONTENT_SCHEMAS.order.optional(),
    unsupported: STORED_CONTENT_SCHEMAS.unsupported.optional(),
  })
  .meta({ id: 'Message' })
  .describe('The content sits under the field named after its `type`, in the shape of a send.');

export class MessageDto extends createZodDto(topLevel(messageSchema)) {}
export class MessagePageDto extends createZodDto(pageSchema(messageSchema)) {}

export const listMessagesQuerySchema = pageQuerySchema.extend({
  chat: z.string().max(128).optional().describe('Only this chat (E.164 number or JID; `status@broadcast` for stories).'),
  direction: z.enum(['outbound', 'inbound']).optional(),
  type: z.enum(STORED_TYPES).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  since: timestamp.optional().describe('Created at or after.'),
  until: timestamp.optional().describe('Created before.'),
});
export class ListMessagesQueryDto extends createZodDto(listMessagesQuerySchema) {}
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;
