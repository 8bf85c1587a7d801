import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { OwnProfile } from '../../engine/ports/profile.port';
import { topLevel } from '../../platform/pagination';
import { phoneOf } from '../whatsapp/jid';

/** WhatsApp's limits, as its apps enforce them: a push name of 25 characters, an about text of 139. */
export const NAME_MAX = 25;
export const ABOUT_MAX = 139;

export const profileSchema = z
  .object({
    jid: z.string().describe("The account's user JID (phone number)."),
    lid: z.string().nullable().describe("The account's LID, as WhatsApp shows it to people who do not have its number."),
    phone_number: z.string().nullable().describe('E.164.'),
    name: z.string().nullable().describe('The push name contacts see; on a Business account, the name set on the phone.'),
    about: z.string().nullable().describe('The about text; null when none is set.'),
    picture_url: z.string().nullable().describe('A short-lived URL of the full-size picture on WhatsApp; null without a picture.'),
    business: z.boolean().describe('Linked to the WhatsApp Business app.'),
  })
  .meta({ id: 'Profile' });
export class ProfileDto extends createZodDto(topLevel(profileSchema)) {}

export const updateProfileSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(NAME_MAX).optional().describe(`The push name, 1 to ${NAME_MAX} characters.`),
    about: z.string().trim().min(1).max(ABOUT_MAX).optional().describe(`The about text, 1 to ${ABOUT_MAX} characters.`),
  })
  .refine((v) => v.name !== undefined || v.about !== undefined, { message: 'give name, about or both' });
export class UpdateProfileDto extends createZodDto(updateProfileSchema) {}
export type UpdateProfileInput = z.infer<typeof updateProfileSchema>;

export const setPictureSchema = z
  .strictObject({
    media_id: z.string().min(1).max(200).optional().describe('An image stored with POST /media on this channel.'),
    source_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe('An image fetched now, as a send by URL is.'),
  })
  .refine((v) => (v.media_id === undefined) !== (v.source_url === undefined), { message: 'give exactly one of media_id and source_url' });
export class SetPictureDto extends createZodDto(setPictureSchema) {}
export type SetPictureInput = z.infer<typeof setPictureSchema>;

export function toProfile(profile: OwnProfile): z.infer<typeof profileSchema> {
  return {
    jid: profile.jid,
    lid: profile.lid,
    phone_number: phoneOf(profile.jid),
    name: profile.name,
    about: profile.about,
    picture_url: profile.pictureUrl,
    business: profile.business,
  };
}
