/** The channel's own WhatsApp profile as WhatsApp holds it. */
export interface OwnProfile {
  /** The account's phone-number jid (`15550001111@s.whatsapp.net`). */
  jid: string;
  lid: string | null;
  /** The push name contacts see beside the number; null when WhatsApp never told it. */
  name: string | null;
  /** The about text; null when none is set. */
  about: string | null;
  /** A short-lived URL of the full-size picture; null without one. */
  pictureUrl: string | null;
  /** Linked to the WhatsApp Business app (its name is the verified business name, set on the phone). */
  business: boolean;
}

/** The channel's own profile (name, about text, picture), over its live socket. */
export abstract class ProfilePort {
  abstract fetchOwn(channelId: string): Promise<OwnProfile>;

  /** The push name (an app-state setting the phone and the other devices pick up). */
  abstract setName(channelId: string, name: string): Promise<void>;

  abstract setAbout(channelId: string, about: string): Promise<void>;

  /** Any image WhatsApp's image library reads; it is cropped to a square and scaled as WhatsApp wants. */
  abstract setPicture(channelId: string, image: Buffer): Promise<void>;

  abstract removePicture(channelId: string): Promise<void>;
}
