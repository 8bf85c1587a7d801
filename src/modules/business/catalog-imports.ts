import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Prisma } from '../../platform/database';
import { BusinessPort } from '../../engine/ports/business.port';
import { AppError } from '../../platform/errors/app-error';
import { newId } from '../../platform/ids';
import { type CatalogImportJobData, type CatalogSyncJobData, JOBS } from '../../platform/queues/jobs';
import type { ChannelRef } from '../channels/channels.contracts';
import {
  type BulkImportInput,
  type CreateProductInput,
  IMPORT_ITEM_STATUSES,
  type ImportItemStatus,
  type ProductImport,
  productFieldsOf,
  sameFields,
  type SyncError,
} from './business.contracts';
import { refuseIfPersonal } from './business-account';
import { BusinessRepository, type ImportRow, type ProductRow } from './business.repository';
import { CatalogIndex, CatalogSync } from './catalog-sync';
import { ProductImages } from './product-images';

/** Items processed by one job: a restart waits for at most one chunk, and goes on from the next. */
const CHUNK = 25;
/** Items between two saves of an import's progress. */
const SAVE_EVERY = 5;

interface ItemResult {
  retailer_id: string;
  status: ImportItemStatus;
  product_id: string | null;
  error: SyncError | null;
}

/**
 * Bulk imports: up to 500 products validated whole, then upserted by retailer id and synced by queued jobs,
 * a chunk at a time. The import's row holds its cursor and each item's outcome, written as each item is done,
 * so a restart goes on where it stopped; an item redone finds its product by retailer id (and WhatsApp's
 * product by the stored id, or in the catalog), so nothing is made twice.
 */
@Injectable()
export class CatalogImports {
  private readonly logger = new Logger(CatalogImports.name);

  constructor(
    private readonly repo: BusinessRepository,
    private readonly sync: CatalogSync,
    private readonly images: ProductImages,
    private readonly whatsapp: BusinessPort,
    @InjectQueue(JOBS.catalogImport.queue) private readonly queue: Queue<CatalogImportJobData | CatalogSyncJobData>,
  ) {}

  async accept(channel: ChannelRef, input: BulkImportInput): Promise<{ import_id: string; status: 'queued'; total: number }> {
    await refuseIfPersonal(this.whatsapp, channel);
    const seen = new Map<string, number>();
    input.products.forEach((p, index) => {
      const first = seen.get(p.retailer_id);
      if (first !== undefined) {
        throw new AppError('invalid_request', `products[${index}] repeats the retailer_id of products[${first}]; nothing was imported.`, {
          details: { issues: [{ path: ['products', index, 'retailer_id'], code: 'duplicate', message: `same as products[${first}]` }] },
        });
      }
      seen.set(p.retailer_id, index);
    });
    for (const [index, product] of input.products.entries()) {
      await this.images.check(channel, product.images ?? [], ['products', index, 'images']);
    }
    const id = newId('imp');
    const results: ItemResult[] = input.products.map((p) => ({
      retailer_id: p.retailer_id,
      status: 'pending',
      product_id: null,
      error: null,
    }));
    await this.repo.createImport({
      id,
      channelId: channel.id,
      customerId: channel.customerId,
      total: input.products.length,
      items: input.products,
      results: results as unknown as Prisma.InputJsonValue,
    });
    await this.enqueue(id, 0);
    return { import_id: id, status: 'queued', total: input.products.length };
  }

  async get(channel: ChannelRef, importId: string): Promise<ProductImport> {
    await refuseIfPersonal(this.whatsapp, channel);
    const row = await this.repo.findImport(channel.id, importId);
    if (!row) throw new AppError('not_found', `No import ${importId} on this channel.`);
    return toImport(row);
  }

  /** Queues the next chunk of every import a stopped gateway left unfinished. */
  async resumeAll(): Promise<void> {
    for (const row of await this.repo.unfinishedImports()) await this.enqueue(row.id, row.cursor);
  }

  /** One chunk of the import, from its cursor; queues the next. Throws (to be retried) without a live socket. */
  async runChunk(importId: string): Promise<void> {
    const first = await this.repo.importById(importId);
    if (!first || first.status === 'completed') return;
    await this.sync.exclusive(first.channelId, async () => {
      const row = await this.repo.importById(importId);
      if (!row || row.status === 'completed') return;
      await this.repo.startImport(row.id);
      const items = row.items as unknown as CreateProductInput[];
      const results = row.results as unknown as ItemResult[];
      const catalog = new CatalogIndex();
      let cursor = row.cursor;
      const end = Math.min(row.total, cursor + CHUNK);
      const existing = new Map(
        (
          await this.repo.findByRetailerIds(
            row.channelId,
            items.slice(cursor, end).map((i) => i.retailer_id),
          )
        ).map((p) => [p.retailerId, p]),
      );
      for (; cursor < end; cursor++) {
        results[cursor] = await this.item(row, items[cursor], existing.get(items[cursor].retailer_id) ?? null, catalog);
        // progress is saved every few items: an item redone after a crash finds its product and changes nothing twice
        if ((cursor + 1) % SAVE_EVERY === 0 || cursor + 1 === end) {
          await this.repo.saveImportProgress(row.id, {
            cursor: cursor + 1,
            results: results as unknown as Prisma.InputJsonValue,
            status: 'running',
          });
        }
      }
      if (cursor >= row.total) {
        await this.repo.saveImportProgress(row.id, {
          cursor,
          results: results as unknown as Prisma.InputJsonValue,
          status: 'completed',
          finishedAt: new Date(),
        });
        this.logger.log({ import_id: row.id, total: row.total }, 'product import completed');
      }
    });
    const after = await this.repo.importById(importId);
    if (after && after.status !== 'completed') await this.enqueue(after.id, after.cursor);
  }

  /** One item: its product upserted by retailer id, then synced (or left as is when nothing changed). */
  private async item(row: ImportRow, input: CreateProductInput, existing: ProductRow | null, catalog: CatalogIndex): Promise<ItemResult> {
    const fields = productFieldsOf(input);
    if (existing && !existing.deletedAt && existing.syncState === 'synced' && sameFields(existing, fields)) {
      return { retailer_id: fields.retailerId, status: 'unchanged', product_id: existing.id, error: null };
    }
    const product = existing
      ? existing.syncState === 'pending' && !existing.deletedAt && sameFields(existing, fields)
        ? existing
        : await this.repo.updateProduct(existing.id, fields)
      : await this.repo.createProduct({ id: newId('prd'), channelId: row.channelId, customerId: row.customerId, ...fields });
    const outcome = await this.sync.syncProduct(product, catalog);
    if (outcome.status === 'failed')
      return { retailer_id: fields.retailerId, status: 'failed', product_id: product.id, error: outcome.error };
    const status = existing?.waProductId ? 'updated' : outcome.status === 'deleted' ? 'updated' : outcome.status;
    return { retailer_id: fields.retailerId, status, product_id: product.id, error: null };
  }

  /** Queues a sync of the channel's pending products. */
  async queueSync(channelId: string): Promise<void> {
    const job = JOBS.catalogSync;
    await this.queue.add(job.name, { channelId }, { ...job.options, jobId: job.jobId(channelId, newId('cs')) });
  }

  private async enqueue(importId: string, cursor: number): Promise<void> {
    const job = JOBS.catalogImport;
    await this.queue.add(job.name, { importId }, { ...job.options, jobId: job.jobId(importId, cursor) });
  }
}

function toImport(row: ImportRow): ProductImport {
  const results = row.results as unknown as ItemResult[];
  const counts = Object.fromEntries(IMPORT_ITEM_STATUSES.map((s) => [s, 0])) as Record<ImportItemStatus, number>;
  for (const r of results) counts[r.status]++;
  return {
    id: row.id,
    status: row.status as ProductImport['status'],
    total: row.total,
    processed: row.total - counts.pending,
    counts,
    items: results.map((r, index) => ({ index, ...r })),
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}
