/** A day of a business's opening hours; times in minutes after midnight, for `specific_hours`. */
export interface WireBusinessHoursDay {
  day: 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
  mode: 'open_24h' | 'specific_hours' | 'appointment_only';
  openTime?: number;
  closeTime?: number;
}

/** A WhatsApp Business profile as WhatsApp answers it. */
export interface WireBusinessProfile {
  jid: string;
  description: string;
  address: string | null;
  email: string | null;
  websites: string[];
  category: string | null;
  hours: { timezone: string; days: WireBusinessHoursDay[] } | null;
}

/** What a linked device may change of its business profile (a delta: absent fields stay). */
export interface WireBusinessProfileChange {
  description?: string;
  address?: string;
  email?: string;
  websites?: string[];
  hours?: { timezone: string; days: WireBusinessHoursDay[] };
}

/** A product image: one WhatsApp already hosts (its URL), or bytes to upload. */
export type WireProductImage = { url: string } | { bytes: Buffer };

/** A product as written to WhatsApp's catalog. `price` is the amount × 1000, as WhatsApp's messages carry prices. */
export interface WireProductInput {
  retailerId: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  images: WireProductImage[];
  hidden: boolean;
  /** ISO 3166 country of origin; null: exempt. */
  originCountry: string | null;
}

/** A product as WhatsApp's catalog holds it. */
export interface WireProduct {
  id: string;
  retailerId: string;
  name: string;
  description: string;
  price: number;
  currency: string;
  /** The first image's URL on WhatsApp's media host, if any. */
  imageUrl: string | null;
  url: string | null;
  hidden: boolean;
  /** WhatsApp's review of the product (APPROVED, PENDING, REJECTED), when given. */
  reviewStatus: string | null;
}

export interface WireCollection {
  id: string;
  name: string;
  status: string | null;
  products: WireProduct[];
}

/** The items of an order, as getOrderDetails answers them (prices × 1000). */
export interface WireOrderDetails {
  total: number;
  currency: string;
  items: Array<{ productId: string; name: string; imageUrl: string | null; price: number; currency: string; quantity: number }>;
}

/**
 * WhatsApp Business over the channel's live socket: the account's business profile, its catalog (products
 * and collections) and the details of orders its customers place. Only a WhatsApp Business account has them.
 */
export abstract class BusinessPort {
  /** Whether the account runs the WhatsApp Business app; null when no worker holds a live socket of the channel. */
  abstract isBusiness(channelId: string): Promise<boolean | null>;

  /** The account's own business profile; null when WhatsApp answers none (a personal account). */
  abstract profile(channelId: string): Promise<WireBusinessProfile | null>;

  abstract updateProfile(channelId: string, change: WireBusinessProfileChange): Promise<void>;

  /** One page of the account's catalog, and the cursor of the next (null on the last). */
  abstract catalogPage(channelId: string, limit: number, cursor: string | null): Promise<{ products: WireProduct[]; next: string | null }>;

  abstract collections(channelId: string): Promise<WireCollection[]>;

  abstract createProduct(channelId: string, product: WireProductInput): Promise<WireProduct>;

  abstract updateProduct(channelId: string, productId: string, product: WireProductInput): Promise<WireProduct>;

  /** Deletes products from the catalog; answers how many WhatsApp deleted. */
  abstract deleteProducts(channelId: string, productIds: string[]): Promise<number>;

  abstract orderDetails(channelId: string, orderId: string, token: string): Promise<WireOrderDetails>;
}
