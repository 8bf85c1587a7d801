import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DISAPPEARING_TIMERS, PRIVACY_VALUES, type PrivacyChange, type PrivacySettings } from '../../engine/ports/privacy.port';
import { topLevel } from '../../platform/pagination';

/** Each setting with exactly the values WhatsApp takes for it; see docs/privacy.md for what each means. */
const fields = {
  last_seen: z.enum(PRIVACY_VALUES.lastSeen).describe('Who sees when the account was last online.'),
  online: z.enum(PRIVACY_VALUES.online).describe('Who sees that the account is online now: everyone, or the same people as last seen.'),
  profile_picture: z.enum(PRIVACY_VALUES.profilePicture).describe('Who sees the profile picture.'),
  about: z.enum(PRIVACY_VALUES.about).describe('Who sees the about text.'),
  read_receipts: z.enum(PRIVACY_VALUES.readReceipts).describe('Whether contacts get read receipts (and the account theirs, in 1:1 chats).'),
  groups_add: z.enum(PRIVACY_VALUES.groupsAdd).describe('Who may add the account to groups without an invitation.'),
  calls: z.enum(PRIVACY_VALUES.calls).describe('Whose calls ring: everyone, or contacts and people called before (`known`).'),
  default_disappearing_seconds: z
    .literal(DISAPPEARING_TIMERS)
    .describe('The disappearing-messages timer new chats start with: 0 (off), 86400 (24 h), 604800 (7 days), 7776000 (90 days).'),
};

export const privacySchema = z
  .object({
    last_seen: fields.last_seen.nullable(),
    online: fields.online.nullable(),
    profile_picture: fields.profile_picture.nullable(),
    about: fields.about.nullable(),
    read_receipts: fields.read_receipts.nullable(),
    groups_add: fields.groups_add.nullable(),
    calls: fields.calls.nullable(),
    default_disappearing_seconds: z.number().int().describe('The timer new chats start with, in seconds; 0 is off.'),
  })
  .describe('A setting WhatsApp did not report is null.')
  .meta({ id: 'PrivacySettings' });
export class PrivacySettingsDto extends createZodDto(topLevel(privacySchema)) {}

export const updatePrivacySchema = z
  .strictObject({
    last_seen: fields.last_seen.optional(),
    online: fields.online.optional(),
    profile_picture: fields.profile_picture.optional(),
    about: fields.about.optional(),
    read_receipts: fields.read_receipts.optional(),
    groups_add: fields.groups_add.optional(),
    calls: fields.calls.optional(),
    default_disappearing_seconds: fields.default_disappearing_seconds.optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), { message: 'give at least one setting' });
export class UpdatePrivacyDto extends createZodDto(updatePrivacySchema) {}
export type UpdatePrivacyInput = z.infer<typeof updatePrivacySchema>;

export function toPrivacySettings(settings: PrivacySettings): z.infer<typeof privacySchema> {
  return {
    last_seen: settings.lastSeen ?? null,
    online: settings.online ?? null,
    profile_picture: settings.profilePicture ?? null,
    about: settings.about ?? null,
    read_receipts: settings.readReceipts ?? null,
    groups_add: settings.groupsAdd ?? null,
    calls: settings.calls ?? null,
    default_disappearing_seconds: settings.defaultDisappearingSeconds,
  };
}

export function toPrivacyChange(input: UpdatePrivacyInput): PrivacyChange {
  const change: PrivacyChange = {
    lastSeen: input.last_seen,
    online: input.online,
    profilePicture: input.profile_picture,
    about: input.about,
    readReceipts: input.read_receipts,
    groupsAdd: input.groups_add,
    calls: input.calls,
    defaultDisappearingSeconds: input.default_disappearing_seconds,
  };
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}
