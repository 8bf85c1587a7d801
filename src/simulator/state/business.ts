import { randomBytes } from 'crypto';

/** One day's opening hours, as WhatsApp Business keeps them (minutes after midnight). */
export interface BusinessHoursDay {
  day: 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
  mode: 'open_24h' | 'specific_hours' | 'appointment_only';
  openTime?: number;
  closeTime?: number;
}

/** The business profile of a WhatsApp Business account. */
export interface BusinessProfile {
  description: string;
  address?: string;
  email?: string;
  websites: string[];
  /** Set in the app from WhatsApp's list; a linked device cannot change it. */
  category: { id: string; name: string };
  hours?: { timezone: string; days: BusinessHoursDay[] };
}

/** A product of the account's catalog, as WhatsApp's server stores it. */
export interface CatalogProduct {
  /** WhatsApp's id: a long number it assigns. */
  id: string;
  retailerId: string;
  name: string;
  description: string;
  /** As the client wrote it on the wire. */
  price: string;
  currency: string;
  imageUrls: string[];
  url: string;
  hidden: boolean;
  originCountry?: string;
  reviewStatus: 'APPROVED' | 'PENDING' | 'REJECTED';
}

export interface CatalogCollection {
  id: string;
  name: string;
  productIds: string[];
}

/** An order a contact placed from the account's catalog: what getOrderDetails answers. */
export interface PlacedOrder {
  id: string;
  token: string;
  customer: string;
  items: Array<{ productId: string; name: string; imageUrl: string; price: number; currency: string; quantity: number }>;
  total: number;
  currency: string;
}

/** How many catalog requests a second an account may send before WhatsApp answers 429 rate-overlimit. */
export const DEFAULT_CATALOG_RATE_PER_SECOND = 60;
/** WhatsApp's limit on a catalog: products past it are refused (406). */
export const CATALOG_MAX_PRODUCTS = 10_000;

/**
 * What WhatsApp's server keeps for a WhatsApp Business account: its business profile, its catalog, its
 * collections and the orders its customers placed, with the catalog's request throttle.
 */
export class BusinessState {
  profile: BusinessProfile = { description: '', websites: [], category: { id: '133436743388217', name: 'Shopping & retail' } };
  readonly products = new Map<string, CatalogProduct>();
  readonly collections: CatalogCollection[] = [];
  readonly orders = new Map<string, PlacedOrder>();
  /** Catalog requests allowed per rolling second; Infinity lifts the throttle. */
  ratePerSecond = DEFAULT_CATALOG_RATE_PER_SECOND;
  /** Refusals the next catalog writes get, in order (a fault a test injects): WhatsApp's code and text. */
  readonly failures: Array<{ code: number; text: string }> = [];
  private readonly recent: number[] = [];
  private nextId = BigInt('7' + randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0') + '000000');

  newProductId(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  /** Counts one catalog request; false when it is over the rate (the request is then refused). */
  admit(now = Date.now()): boolean {
    while (this.recent.length > 0 && this.recent[0] <= now - 1000) this.recent.shift();
    if (this.recent.length >= this.ratePerSecond) return false;
    this.recent.push(now);
    return true;
  }

  /** Products in WhatsApp's order (oldest first). */
  list(): CatalogProduct[] {
    return [...this.products.values()];
  }
}
