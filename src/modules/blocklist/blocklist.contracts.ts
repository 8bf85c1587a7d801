import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { topLevel } from '../../platform/pagination';
import { isLid, phoneOf } from '../whatsapp/jid';

export const blockedContactSchema = z
  .object({
    jid: z.string().describe('The user JID by phone number where WhatsApp or the channel knows it, else the LID.'),
    phone_number: z.string().nullable().describe('E.164; null when only the LID is known.'),
    lid: z.string().nullable().describe('Set when the contact is listed by LID only.'),
  })
  .meta({ id: 'BlockedContact' });

export const blocklistSchema = z.object({ data: z.array(blockedContactSchema) }).meta({ id: 'Blocklist' });
export class BlocklistDto extends createZodDto(topLevel(blocklistSchema)) {}
export class BlockedContactDto extends createZodDto(topLevel(blockedContactSchema)) {}

export function toBlockedContact(jid: string): z.infer<typeof blockedContactSchema> {
  return { jid, phone_number: phoneOf(jid), lid: isLid(jid) ? jid : null };
}
