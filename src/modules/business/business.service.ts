import { Injectable } from '@nestjs/common';
import { BusinessPort } from '../../engine/ports/business.port';
import { AppError } from '../../platform/errors/app-error';
import { newId } from '../../platform/ids';
import type { ChannelRef } from '../channels/channels.contracts';
import { refuseIfPersonal } from './business-account';
import { type BusinessProfile, toProfile, type UpdateBusinessProfileInput } from './business.contracts';
import { BusinessRepository } from './business.repository';
import { CatalogSync, INTERACTIVE_RETRIES, waFieldsOf } from './catalog-sync';

/** The business profile and collections (live from WhatsApp) and the catalog's reconcile with WhatsApp's. */
@Injectable()
export class BusinessService {
  constructor(
    private readonly whatsapp: BusinessPort,
    private readonly repo: BusinessRepository,
    private readonly sync: CatalogSync,
  ) {}

  async profile(channel: ChannelRef): Promise<BusinessProfile> {
    await refuseIfPersonal(this.whatsapp, channel);
    const profile = await this.whatsapp.profile(channel.id);
    if (!profile)
      throw new AppError('not_business_account', 'WhatsApp has no business profile for this account: it is a personal account.');
    return toProfile(profile);
  }

  async updateProfile(channel: ChannelRef, input: UpdateBusinessProfileInput): Promise<BusinessProfile> {
    await refuseIfPersonal(this.whatsapp, channel);
    await this.whatsapp.updateProfile(channel.id, {
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.websites !== undefined ? { websites: input.websites } : {}),
      ...(input.hours !== undefined
        ? {
            hours: {
              timezone: input.hours.timezone,
              days: input.hours.days.map((d) => ({ day: d.day, mode: d.mode, openTime: d.open_minute, closeTime: d.close_minute })),
            },
          }
        : {}),
    });
    return this.profile(channel);
  }

  async collections(channel: ChannelRef) {
    await refuseIfPersonal(this.whatsapp, channel);
    const collections = await this.sync.call(channel.id, () => this.whatsapp.collections(channel.id), INTERACTIVE_RETRIES);
    const ids = collections.flatMap((c) => c.products.map((p) => p.id));
    const known = new Map((await this.repo.byWaProductIds(channel.id, ids)).map((r) => [r.waProductId, r.id]));
    return {
      data: collections.map((c) => ({
        id: c.id,
        name: c.name,
        status: c.status,
        products: c.products.map((p) => ({
          wa_product_id: p.id,
          product_id: known.get(p.id) ?? null,
          retailer_id: p.retailerId,
          name: p.name,
        })),
      })),
    };
  }

  /**
   * Pulls WhatsApp's catalog, page after page, and takes in what changed on the phone: products made there
   * are recorded, changed ones updated, deleted ones deleted. Products with a change of the customer's still
   * on its way to WhatsApp are left to that sync.
   */
  async reconcile(channel: ChannelRef) {
    await refuseIfPersonal(this.whatsapp, channel);
    return this.sync.exclusive(channel.id, async () => {
      const remote = await this.sync.walkCatalog(channel.id, INTERACTIVE_RETRIES);
      const rows = await this.repo.allProducts(channel.id);
      const byWaId = new Map(rows.filter((r) => r.waProductId).map((r) => [r.waProductId!, r]));
      const byRetailer = new Map(rows.map((r) => [r.retailerId, r]));
      const counts = { total: remote.length, created: 0, updated: 0, deleted: 0, unchanged: 0 };
      const seen = new Set<string>();
      for (const product of remote) {
        seen.add(product.id);
        const row = byWaId.get(product.id) ?? (product.retailerId ? byRetailer.get(product.retailerId) : undefined);
        if (!row) {
          const retailerId = product.retailerId || `wa-${product.id}`;
          if (byRetailer.has(retailerId)) continue;
          await this.repo.createProduct({
            id: newId('prd'),
            channelId: channel.id,
            customerId: channel.customerId,
            syncState: 'synced',
            retailerId,
            name: product.name,
            description: product.description,
            priceAmount1000: BigInt(Math.round(product.price)),
            salePriceAmount1000: null,
            currency: product.currency,
            images: [],
            url: product.url,
            availability: 'in_stock',
            hidden: product.hidden,
            originCountry: null,
            ...waFieldsOf(product),
          });
          counts.created++;
          continue;
        }
        if (row.syncState === 'pending' || row.deletedAt) continue;
        const changed =
          row.name !== product.name ||
          row.description !== product.description ||
          Number(row.priceAmount1000) !== product.price ||
          row.currency !== product.currency ||
          row.hidden !== product.hidden ||
          row.waProductId !== product.id;
        if (!changed) {
          counts.unchanged++;
          continue;
        }
        await this.repo.applyFromWhatsApp(row.id, {
          name: product.name,
          description: product.description,
          priceAmount1000: BigInt(Math.round(product.price)),
          currency: product.currency,
          hidden: product.hidden,
          ...waFieldsOf(product),
        });
        counts.updated++;
      }
      for (const row of rows) {
        if (row.waProductId && !seen.has(row.waProductId) && row.syncState === 'synced' && !row.deletedAt) {
          await this.repo.removeProduct(row.id);
          counts.deleted++;
        }
      }
      return counts;
    });
  }
}
