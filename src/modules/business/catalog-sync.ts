import { setTimeout as sleep } from 'timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { BusinessPort, type WireProduct, type WireProductImage, type WireProductInput } from '../../engine/ports/business.port';
import { KeyedLanes } from '../../platform/async';
import { AppError } from '../../platform/errors/app-error';
import { withJitter } from '../../platform/queues/jobs';
import { MediaService } from '../media/media.service';
import { type ProductImageInput, toSyncError } from './business.contracts';
import { BusinessRepository, type ProductRow, type WaFields } from './business.repository';

/** The least time between two catalog requests of one channel: WhatsApp throttles bursts. */
export const CATALOG_MIN_INTERVAL_MS = 20;
/** Backoff after WhatsApp answers rate-overlimit: 250 ms doubling to 8 s, this many times before the item fails. */
const RATE_LIMIT_RETRIES = 8;
const RATE_LIMIT_BASE_MS = 250;
const RATE_LIMIT_MAX_MS = 8_000;
/** Retries of a rate-limited request a client waits on (GET collections, POST catalog/sync). */
export const INTERACTIVE_RETRIES = 2;
/** Products synced per round of a channel's sync. */
const ROUND = 25;
/** The page size when the catalog is walked. */
export const CATALOG_PAGE = 100;

export type SyncOutcome =
  | { status: 'created' | 'updated'; row: ProductRow }
  | { status: 'deleted' }
  | { status: 'failed'; error: { code: string; message: string; reason: string | null } };

/**
 * Puts the gateway's products into the channel's WhatsApp catalog: one channel at a time in this process,
 * paced, backing off when WhatsApp answers rate-overlimit. Every step is recorded on the product's row, so a
 * sync cut short (a restart, a lost socket) is taken up again without making a product twice: a create
 * that may have reached WhatsApp is looked up in the catalog by retailer id before it is sent again.
 */
@Injectable()
export class CatalogSync {
  private readonly logger = new Logger(CatalogSync.name);
  private readonly lanes = new KeyedLanes();
  private readonly lastCall = new Map<string, number>();

  constructor(
    private readonly repo: BusinessRepository,
    private readonly whatsapp: BusinessPort,
    private readonly media: MediaService,
  ) {}

  /** Runs `fn` once no other catalog work of the channel runs in this process. */
  exclusive<T>(channelId: string, fn: () => Promise<T>): Promise<T> {
    return this.lanes.run(channelId, fn);
  }

  /** Syncs every product of the channel waiting for it. Throws when the channel has no live socket (retry later). */
  syncPending(channelId: string): Promise<number> {
    return this.exclusive(channelId, async () => {
      let done = 0;
      const failed: string[] = [];
      for (;;) {
        const rows = await this.repo.pendingProducts(channelId, ROUND, failed);
        if (rows.length === 0) return done;
        for (const row of rows) {
          const outcome = await this.syncProduct(row);
          if (outcome.status === 'failed') failed.push(row.id);
          done++;
        }
      }
    });
  }

  /**
   * One product to WhatsApp: deleted, created or updated, and the outcome recorded on its row. A refusal is
   * recorded as the product's failed sync; a channel without a live socket throws (the product stays pending).
   */
  async syncProduct(row: ProductRow, catalog?: CatalogIndex): Promise<SyncOutcome> {
    const channelId = row.channelId;
    try {
      if (row.deletedAt) {
        const waId =
          row.waProductId ?? (row.inFlightAt ? (await this.index(channelId, catalog)).byRetailer(row.retailerId)?.id : undefined);
        if (waId) await this.call(channelId, () => this.whatsapp.deleteProducts(channelId, [waId]));
        await this.repo.removeProduct(row.id);
        return { status: 'deleted' };
      }
      const input = await this.wireInput(row);
      let waId = row.waProductId;
      if (!waId && row.inFlightAt) {
        // a create was on its way when the last sync stopped: WhatsApp may have made the product
        waId = (await this.index(channelId, catalog)).byRetailer(row.retailerId)?.id ?? null;
      }
      let product: WireProduct | undefined;
      let status: 'created' | 'updated' = 'updated';
      if (waId) {
        const id = waId;
        product = await this.call(channelId, () => this.whatsapp.updateProduct(channelId, id, input)).catch((error: unknown) => {
          // deleted on the phone meanwhile: made again below
          if (error instanceof AppError && error.code === 'not_found') return undefined;
          throw error;
        });
      }
      if (!product) {
        await this.repo.markInFlight(row.id);
        product = await this.call(channelId, () => this.whatsapp.createProduct(channelId, input));
        status = 'created';
      }
      const wa = waFieldsOf(product);
      const current = await this.repo.recordSynced(row.id, row.revision, wa);
      return { status, row: { ...row, ...wa, syncState: current ? 'synced' : 'pending', syncError: null } };
    } catch (error) {
      if (error instanceof AppError && error.code === 'channel_unavailable') throw error;
      const syncError = toSyncError(error);
      if (syncError.code === 'internal_error') this.logger.error({ err: error, product: row.id }, 'product sync failed');
      await this.repo.recordFailed(row.id, row.revision, syncError);
      return { status: 'failed', error: syncError };
    }
  }

  /** Every product of the channel's WhatsApp catalog, page after page. */
  async walkCatalog(channelId: string, retries = RATE_LIMIT_RETRIES): Promise<WireProduct[]> {
    const products: WireProduct[] = [];
    let cursor: string | null = null;
    do {
      const at: string | null = cursor;
      const page: { products: WireProduct[]; next: string | null } = await this.call(
        channelId,
        () => this.whatsapp.catalogPage(channelId, CATALOG_PAGE, at),
        retries,
      );
      products.push(...page.products);
      cursor = page.next;
    } while (cursor);
    return products;
  }

  /**
   * A catalog request, paced and retried with backoff while WhatsApp answers rate-overlimit (`retries` times:
   * many for queued work, few for a request a client waits on).
   */
  async call<T>(channelId: string, request: () => Promise<T>, retries = RATE_LIMIT_RETRIES): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait = (this.lastCall.get(channelId) ?? 0) + CATALOG_MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await sleep(wait);
      this.lastCall.set(channelId, Date.now());
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'rate_limited') throw error;
        const delay = withJitter(Math.min(RATE_LIMIT_MAX_MS, RATE_LIMIT_BASE_MS * 2 ** attempt));
        if (attempt >= retries) {
          // still throttled: the caller is told when to come back
          throw new AppError('rate_limited', error.message, {
            details: error.details,
            headers: { 'Retry-After': String(Math.max(1, Math.ceil(delay / 1000))) },
            cause: error,
          });
        }
        this.logger.debug({ channel_id: channelId, attempt, delay_ms: delay }, 'catalog throttled by WhatsApp, backing off');
        await sleep(delay);
      }
    }
  }

  private async index(channelId: string, catalog?: CatalogIndex): Promise<CatalogIndex> {
    if (catalog?.loaded) return catalog;
    const target = catalog ?? new CatalogIndex();
    target.load(await this.walkCatalog(channelId));
    return target;
  }

  /** The product as WhatsApp takes it: images as bytes (from the channel's media or fetched) or WhatsApp's URLs. */
  private async wireInput(row: ProductRow): Promise<WireProductInput> {
    const images: WireProductImage[] = [];
    for (const [index, image] of (row.images as ProductImageInput[]).entries()) {
      images.push({ bytes: await this.imageBytes(row, image, index) });
    }
    return {
      retailerId: row.retailerId,
      name: row.name,
      description: row.description,
      price: Number(row.priceAmount1000),
      currency: row.currency,
      images,
      hidden: row.hidden,
      originCountry: row.originCountry,
    };
  }

  private async imageBytes(row: ProductRow, image: ProductImageInput, index: number): Promise<Buffer> {
    if (image.media_id) {
      const media = await this.media.find(image.media_id, row.channelId);
      if (!media) {
        throw new AppError('invalid_request', `Image ${index}: the media ${image.media_id} is gone from the channel.`, {
          details: { reason: 'image_missing', index },
        });
      }
      return (await this.media.readBytes(media.id)).bytes;
    }
    return (await this.media.fetchForSend(row.customerId, image.source_url!)).bytes;
  }
}

/** The products of a channel's WhatsApp catalog by retailer id, walked once per run when needed. */
export class CatalogIndex {
  loaded = false;
  private readonly byRetailerId = new Map<string, WireProduct>();

  load(products: WireProduct[]): void {
    for (const p of products) if (p.retailerId) this.byRetailerId.set(p.retailerId, p);
    this.loaded = true;
  }

  byRetailer(retailerId: string): WireProduct | undefined {
    return this.byRetailerId.get(retailerId);
  }
}

export function waFieldsOf(product: WireProduct): WaFields {
  return { waProductId: product.id, waImageUrl: product.imageUrl, reviewStatus: product.reviewStatus };
}
