import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { topLevel } from '../../platform/pagination';

/**
 * WhatsApp Business' 20 label colours, in the order of its palette: WhatsApp syncs a label's colour as the
 * index into this list. The names are the CSS colour names nearest to each swatch.
 */
export const LABEL_COLORS = [
  'salmon',
  'lightskyblue',
  'gold',
  'plum',
  'silver',
  'mediumturquoise',
  'violet',
  'goldenrod',
  'cornflowerblue',
  'greenyellow',
  'cyan',
  'lightpink',
  'mediumaquamarine',
  'orangered',
  'deepskyblue',
  'limegreen',
  'darkorange',
  'lightsteelblue',
  'mediumpurple',
  'rebeccapurple',
] as const;
export type LabelColor = (typeof LABEL_COLORS)[number];

/** The name of a palette index; an index outside the palette (a newer WhatsApp) reads as the first colour. */
export function colorName(index: number): LabelColor {
  return LABEL_COLORS[index] ?? LABEL_COLORS[0];
}

/** Label names as the gateway accepts them; WhatsApp's own limit is not documented. */
export const LABEL_NAME_MAX = 100;

const colorSchema = z.enum(LABEL_COLORS).describe("One of WhatsApp Business' 20 label colours.");

export const labelSchema = z
  .object({
    id: z.string().describe("WhatsApp's id of the label (a number chosen by the device that created it)."),
    name: z.string(),
    color: colorSchema,
    color_index: z.number().int().min(0).describe("The colour's index in WhatsApp's palette (0-19), as WhatsApp syncs it."),
    chat_count: z.number().int().min(0).describe('Chats carrying the label.'),
    message_count: z.number().int().min(0).describe('Messages carrying the label.'),
  })
  .meta({ id: 'Label' });
export class LabelDto extends createZodDto(topLevel(labelSchema)) {}
export type Label = z.infer<typeof labelSchema>;

export class LabelListDto extends createZodDto(z.object({ data: z.array(labelSchema) })) {}

export const labelledMessageSchema = z
  .object({
    chat_id: z.string(),
    wa_message_id: z.string().describe("WhatsApp's id of the message."),
    message_id: z.string().nullable().describe("The gateway's id of the message; null when the gateway has not stored it."),
  })
  .meta({ id: 'LabelledMessage' });

export const labelDetailSchema = labelSchema.extend({
  chats: z.array(z.object({ chat_id: z.string() })).describe('The chats carrying the label.'),
  messages: z.array(labelledMessageSchema).describe('The messages carrying the label.'),
});
export class LabelDetailDto extends createZodDto(labelDetailSchema) {}

export const createLabelSchema = z.strictObject({
  name: z.string().trim().min(1).max(LABEL_NAME_MAX),
  color: colorSchema,
});
export class CreateLabelDto extends createZodDto(createLabelSchema) {}
export type CreateLabelInput = z.infer<typeof createLabelSchema>;

export const updateLabelSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(LABEL_NAME_MAX).optional(),
    color: colorSchema.optional(),
  })
  .refine((v) => v.name !== undefined || v.color !== undefined, { message: 'give name, color or both' });
export class UpdateLabelDto extends createZodDto(updateLabelSchema) {}
export type UpdateLabelInput = z.infer<typeof updateLabelSchema>;

/** A label id as WhatsApp makes them: a number. */
export function isLabelId(value: string): boolean {
  return /^\d{1,10}$/.test(value);
}
