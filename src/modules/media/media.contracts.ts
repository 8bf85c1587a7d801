import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';

export const mediaSchema = z
  .object({
    media_id: z.string().describe('Reusable in any number of sends on this channel; the bytes are never fetched again.'),
    channel_id: z.string(),
    mime_type: z.string(),
    kinds: z.array(z.enum(['image', 'video', 'audio', 'document', 'sticker'])).describe('The message types this media can be sent as.'),
    size: z.number().int().describe('Bytes.'),
    sha256: z.string().describe('Lowercase hex SHA-256 of the bytes; also the ETag of the public link.'),
    filename: z.string().nullable(),
    source: z.enum(['url', 'upload', 'inbound']),
    in_use: z.boolean().describe('A message used it; retention keeps it.'),
    created_at: z.iso.datetime({ offset: true }),
    expires_at: z.iso
      .datetime({ offset: true })
      .nullable()
      .describe('When retention deletes it unless a message uses it first; null when kept.'),
    url: z.string().describe('A public signed link to the bytes, valid until url_expires_at; no API key needed.'),
    url_expires_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Media' });
export type MediaView = z.infer<typeof mediaSchema>;

const filenameSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((name) => !/[\u0000-\u001f\u007f/\\]/.test(name), 'must not contain control characters or slashes');

export const createMediaSchema = z.object({
  source_url: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .max(2048)
    .describe('Fetched once, through the egress guard.'),
  mime_type: z.string().min(3).max(255).describe('The declared type; checked against the bytes.'),
  filename: filenameSchema.optional(),
});

/** The text fields of a multipart upload (the file is the `file` part). */
export const uploadMediaFieldsSchema = z.object({
  mime_type: z.string().min(3).max(255).optional(),
  filename: filenameSchema.optional(),
});

export class MediaDto extends createZodDto(topLevel(mediaSchema)) {}
export class MediaPageDto extends createZodDto(pageSchema(mediaSchema)) {}
export class MediaQueryDto extends createZodDto(pageQuerySchema) {}

/** For the OpenAPI document: the two request bodies of `POST /v1/channels/{id}/media`. */
export const CREATE_MEDIA_OPENAPI = {
  'application/json': {
    schema: {
      type: 'object',
      required: ['source_url', 'mime_type'],
      properties: {
        source_url: { type: 'string', format: 'uri', description: 'Fetched once, through the egress guard.' },
        mime_type: { type: 'string', description: 'The declared type; checked against the bytes.' },
        filename: { type: 'string', maxLength: 255 },
      },
    },
  },
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        mime_type: { type: 'string', description: "Defaults to the part's Content-Type, else to what the bytes are." },
        filename: { type: 'string', maxLength: 255, description: "Defaults to the part's file name." },
      },
    },
  },
} as const;
