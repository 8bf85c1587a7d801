import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import type { ContactRow } from './contacts.repository';

const timestamp = z.iso.datetime({ offset: true });

export const contactSchema = z
  .object({
    id: z.string().describe('The contact JID (phone number JID, or LID when WhatsApp gave no number).'),
    channel_id: z.uuid(),
    phone_number: z.string().nullable(),
    lid: z.string().nullable(),
    push_name: z.string().nullable().describe('The name the contact set on WhatsApp, as seen on its messages.'),
    about: z.string().nullable(),
    picture_url: z.string().nullable(),
    profile_refreshed_at: timestamp.nullable(),
    updated_at: timestamp,
    on_whatsapp: z.boolean().optional().describe('Profile refresh only: whether the number has WhatsApp.'),
  })
  .meta({ id: 'Contact' });

export class ContactDto extends createZodDto(topLevel(contactSchema)) {}
export class ContactPageDto extends createZodDto(pageSchema(contactSchema)) {}
export class ListContactsQueryDto extends createZodDto(pageQuerySchema) {}

export const lidMappingSchema = z.object({ phone_number: z.string(), jid: z.string(), lid: z.string() }).meta({ id: 'LidMapping' });
export class LidPageDto extends createZodDto(pageSchema(lidMappingSchema)) {}

/** A contact as the API shows it. */
export function toContact(row: ContactRow) {
  return {
    id: row.jid,
    channel_id: row.channelId,
    phone_number: row.phoneNumber,
    lid: row.lid,
    push_name: row.pushName,
    about: row.about,
    picture_url: row.pictureUrl,
    profile_refreshed_at: row.profileAt?.toISOString() ?? null,
    updated_at: row.updatedAt.toISOString(),
  };
}
