import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { BusinessPort } from '../../engine/ports/business.port';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, type Page, toPage } from '../../platform/pagination';
import { type CatalogSyncJobData, JOBS } from '../../platform/queues/jobs';
import type { ChannelRef } from '../channels/channels.contracts';
import { refuseIfPersonal } from './business-account';
import {
  type CreateProductInput,
  type ListProductsQuery,
  type Product,
  productFieldsOf,
  toProduct,
  type UpdateProductInput,
} from './business.contracts';
import { BusinessRepository, type ProductFields, type ProductRow } from './business.repository';
import { ProductImages } from './product-images';

/**
 * The channel's catalog as the gateway keeps it: products are stored at once (sync `pending`) and put into
 * WhatsApp's catalog by the catalog queue, which records the outcome on each (`synced`, or `failed` with
 * WhatsApp's refusal).
 */
@Injectable()
export class ProductsService {
  constructor(
    private readonly repo: BusinessRepository,
    private readonly whatsapp: BusinessPort,
    private readonly images: ProductImages,
    @InjectQueue(JOBS.catalogSync.queue) private readonly queue: Queue<CatalogSyncJobData>,
  ) {}

  async list(channel: ChannelRef, query: ListProductsQuery): Promise<Page<Product>> {
    await refuseIfPersonal(this.whatsapp, channel);
    const rows = await this.repo.listProducts(channel.id, {
      availability: query.availability,
      hidden: query.hidden,
      syncState: query.sync,
      updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
      before: decodeCursor(query.cursor, idOf('prd')),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, toProduct);
  }

  async get(channel: ChannelRef, productId: string): Promise<Product> {
    await refuseIfPersonal(this.whatsapp, channel);
    return toProduct(await this.require(channel, productId));
  }

  async create(channel: ChannelRef, input: CreateProductInput): Promise<Product> {
    await refuseIfPersonal(this.whatsapp, channel);
    await this.images.check(channel, input.images ?? [], ['images']);
    const fields = productFieldsOf(input);
    const existing = await this.repo.findByRetailerId(channel.id, fields.retailerId);
    let row: ProductRow;
    if (existing && !existing.deletedAt) throw retailerIdTaken(fields.retailerId, existing.id);
    // a product deleted and not yet taken off WhatsApp comes back under the same record
    if (existing) row = await this.repo.updateProduct(existing.id, fields);
    else row = await this.repo.createProduct({ id: newId('prd'), channelId: channel.id, customerId: channel.customerId, ...fields });
    await this.syncSoon(channel.id);
    return toProduct(row);
  }

  async update(channel: ChannelRef, productId: string, input: UpdateProductInput): Promise<Product> {
    await refuseIfPersonal(this.whatsapp, channel);
    const row = await this.require(channel, productId);
    if (input.images) await this.images.check(channel, input.images, ['images']);
    if (input.retailer_id !== undefined && input.retailer_id !== row.retailerId) {
      const other = await this.repo.findByRetailerId(channel.id, input.retailer_id);
      if (other) throw retailerIdTaken(input.retailer_id, other.id);
    }
    const price = input.price_amount_1000 ?? Number(row.priceAmount1000);
    const sale = input.sale_price_amount_1000 === undefined ? row.salePriceAmount1000 : input.sale_price_amount_1000;
    if (sale !== null && BigInt(sale) >= BigInt(price)) {
      throw new AppError('invalid_request', 'The sale price must be below the price.', {
        details: { issues: [{ path: ['sale_price_amount_1000'], code: 'too_big', message: 'must be below price_amount_1000' }] },
      });
    }
    const changes: Partial<ProductFields> = {};
    if (input.retailer_id !== undefined) changes.retailerId = input.retailer_id;
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.price_amount_1000 !== undefined) changes.priceAmount1000 = BigInt(input.price_amount_1000);
    if (input.sale_price_amount_1000 !== undefined) {
      changes.salePriceAmount1000 = input.sale_price_amount_1000 === null ? null : BigInt(input.sale_price_amount_1000);
    }
    if (input.currency !== undefined) changes.currency = input.currency;
    if (input.images !== undefined) {
      changes.images = input.images.map((i) => (i.media_id ? { media_id: i.media_id } : { source_url: i.source_url! }));
    }
    if (input.url !== undefined) changes.url = input.url;
    if (input.availability !== undefined) changes.availability = input.availability;
    if (input.hidden !== undefined) changes.hidden = input.hidden;
    if (input.origin_country !== undefined) changes.originCountry = input.origin_country;
    const updated = await this.repo.updateProduct(row.id, changes);
    await this.syncSoon(channel.id);
    return toProduct(updated);
  }

  async remove(channel: ChannelRef, productId: string): Promise<void> {
    await refuseIfPersonal(this.whatsapp, channel);
    const row = await this.require(channel, productId);
    if (!row.waProductId && !row.inFlightAt) {
      // never reached WhatsApp
      await this.repo.removeProduct(row.id);
      return;
    }
    await this.repo.markDeleted(row.id);
    await this.syncSoon(channel.id);
  }

  /** Queues a sync of the channel's pending products. */
  async syncSoon(channelId: string): Promise<void> {
    const job = JOBS.catalogSync;
    await this.queue.add(job.name, { channelId }, { ...job.options, jobId: job.jobId(channelId, newId('cs')) });
  }

  private async require(channel: ChannelRef, productId: string): Promise<ProductRow> {
    const row = isIdOf('prd', productId) ? await this.repo.findProduct(channel.id, productId) : null;
    if (!row) throw new AppError('not_found', `No product ${productId} on this channel.`);
    return row;
  }
}

function retailerIdTaken(retailerId: string, productId: string): AppError {
  return new AppError('other', `The channel already has a product with retailer_id ${retailerId} (${productId}).`, {
    status: 409,
    details: { reason: 'retailer_id_taken', product_id: productId },
  });
}
