import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';

export type ProductRow = Awaited<ReturnType<PrismaClient['businessProduct']['findUniqueOrThrow']>>;
export type ImportRow = Awaited<ReturnType<PrismaClient['businessImport']['findUniqueOrThrow']>>;
export type OrderRow = Awaited<ReturnType<PrismaClient['businessOrder']['findUniqueOrThrow']>>;

/** The fields of a product the customer writes (everything but ids, sync state and timestamps). */
export interface ProductFields {
  retailerId: string;
  name: string;
  description: string;
  priceAmount1000: bigint;
  salePriceAmount1000: bigint | null;
  currency: string;
  images: Prisma.InputJsonValue;
  url: string | null;
  availability: string;
  hidden: boolean;
  originCountry: string | null;
}

export interface ProductFilter {
  availability?: string;
  hidden?: boolean;
  syncState?: string;
  updatedSince?: Date;
  before?: string;
  take: number;
}

/** The catalog's products, bulk imports and orders of channels. */
@Injectable()
export class BusinessRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  // ---- products

  listProducts(channelId: string, filter: ProductFilter): Promise<ProductRow[]> {
    return this.prisma.businessProduct.findMany({
      where: {
        channelId,
        deletedAt: null,
        ...(filter.availability !== undefined ? { availability: filter.availability } : {}),
        ...(filter.hidden !== undefined ? { hidden: filter.hidden } : {}),
        ...(filter.syncState !== undefined ? { syncState: filter.syncState } : {}),
        ...(filter.updatedSince !== undefined ? { updatedAt: { gte: filter.updatedSince } } : {}),
        ...(filter.before !== undefined ? { id: { lt: filter.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: filter.take,
    });
  }

  findProduct(channelId: string, id: string): Promise<ProductRow | null> {
    return this.prisma.businessProduct.findFirst({ where: { channelId, id, deletedAt: null } });
  }

  findByRetailerId(channelId: string, retailerId: string): Promise<ProductRow | null> {
    return this.prisma.businessProduct.findUnique({ where: { channelId_retailerId: { channelId, retailerId } } });
  }

  findByRetailerIds(channelId: string, retailerIds: string[]): Promise<ProductRow[]> {
    return this.prisma.businessProduct.findMany({ where: { channelId, retailerId: { in: retailerIds } } });
  }

  /** Every product of the channel, deleted ones still to be taken off WhatsApp included. */
  allProducts(channelId: string): Promise<ProductRow[]> {
    return this.prisma.businessProduct.findMany({ where: { channelId } });
  }

  byWaProductIds(channelId: string, waProductIds: string[]): Promise<ProductRow[]> {
    return this.prisma.businessProduct.findMany({ where: { channelId, waProductId: { in: waProductIds } } });
  }

  createProduct(data: { id: string; channelId: string; customerId: string; syncState?: string } & ProductFields & Partial<WaFields>) {
    return this.prisma.businessProduct.create({ data });
  }

  /** A change by the customer: a new revision, to be synced. A deleted product with that retailer id comes back. */
  updateProduct(id: string, fields: Partial<ProductFields>): Promise<ProductRow> {
    return this.prisma.businessProduct.update({
      where: { id },
      data: { ...fields, syncState: 'pending', syncError: Prisma.DbNull, revision: { increment: 1 }, deletedAt: null },
    });
  }

  /** The product is gone for the customer; what WhatsApp holds of it is deleted by the sync. */
  markDeleted(id: string): Promise<ProductRow> {
    return this.prisma.businessProduct.update({
      where: { id },
      data: { deletedAt: new Date(), syncState: 'pending', syncError: Prisma.DbNull, revision: { increment: 1 } },
    });
  }

  async removeProduct(id: string): Promise<void> {
    await this.prisma.businessProduct.deleteMany({ where: { id } });
  }

  /** Up to `take` products of the channel waiting for a sync, oldest change first. */
  pendingProducts(channelId: string, take: number, exclude: string[] = []): Promise<ProductRow[]> {
    return this.prisma.businessProduct.findMany({
      where: { channelId, syncState: 'pending', ...(exclude.length ? { id: { notIn: exclude } } : {}) },
      orderBy: { updatedAt: 'asc' },
      take,
    });
  }

  /** Channels with products waiting for a sync. */
  async channelsWithPending(): Promise<string[]> {
    const rows = await this.prisma.businessProduct.findMany({
      where: { syncState: 'pending' },
      select: { channelId: true },
      distinct: ['channelId'],
    });
    return rows.map((r) => r.channelId);
  }

  async markInFlight(id: string): Promise<void> {
    await this.prisma.businessProduct.update({ where: { id }, data: { inFlightAt: new Date() } });
  }

  /** WhatsApp holds `revision` of the product: recorded unless the customer changed it since (it stays pending). */
  async recordSynced(id: string, revision: number, wa: WaFields): Promise<boolean> {
    const updated = await this.prisma.businessProduct.updateMany({
      where: { id, revision },
      data: { ...wa, syncState: 'synced', syncError: Prisma.DbNull, syncedAt: new Date(), inFlightAt: null },
    });
    if (updated.count === 0) {
      // a newer revision waits; keep what WhatsApp answered (its id above all) for that revision's sync
      await this.prisma.businessProduct.updateMany({ where: { id }, data: { ...wa, inFlightAt: null } });
    }
    return updated.count > 0;
  }

  async recordFailed(id: string, revision: number, error: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.businessProduct.updateMany({
      where: { id, revision },
      data: { syncState: 'failed', syncError: error, inFlightAt: null },
    });
    await this.prisma.businessProduct.updateMany({ where: { id }, data: { inFlightAt: null } });
  }

  /** A change made on the phone, taken as is: WhatsApp already holds it. */
  async applyFromWhatsApp(id: string, fields: Partial<ProductFields> & Partial<WaFields>): Promise<void> {
    await this.prisma.businessProduct.update({
      where: { id },
      data: { ...fields, syncState: 'synced', syncError: Prisma.DbNull, syncedAt: new Date(), revision: { increment: 1 } },
    });
  }

  // ---- imports

  createImport(data: {
    id: string;
    channelId: string;
    customerId: string;
    total: number;
    items: Prisma.InputJsonValue;
    results: Prisma.InputJsonValue;
  }) {
    return this.prisma.businessImport.create({ data });
  }

  findImport(channelId: string, id: string): Promise<ImportRow | null> {
    return this.prisma.businessImport.findFirst({ where: { channelId, id } });
  }

  importById(id: string): Promise<ImportRow | null> {
    return this.prisma.businessImport.findUnique({ where: { id } });
  }

  unfinishedImports(): Promise<ImportRow[]> {
    return this.prisma.businessImport.findMany({ where: { status: { not: 'completed' } }, orderBy: { createdAt: 'asc' } });
  }

  async saveImportProgress(
    id: string,
    data: { cursor: number; results: Prisma.InputJsonValue; status: string; finishedAt?: Date },
  ): Promise<void> {
    await this.prisma.businessImport.update({
      where: { id },
      data,
    });
  }

  async startImport(id: string): Promise<void> {
    await this.prisma.businessImport.updateMany({ where: { id, startedAt: null }, data: { startedAt: new Date(), status: 'running' } });
  }

  // ---- orders

  /** Records an order once (WhatsApp may deliver its message twice); answers the row and whether it is new. */
  async createOrder(
    data: Omit<Prisma.BusinessOrderUncheckedCreateInput, 'createdAt' | 'updatedAt'>,
  ): Promise<{ row: OrderRow; created: boolean }> {
    const existing = await this.prisma.businessOrder.findUnique({
      where: { channelId_waOrderId: { channelId: data.channelId, waOrderId: data.waOrderId } },
    });
    if (existing) return { row: existing, created: false };
    const created = await this.prisma.businessOrder.createManyAndReturn({ data: [data], skipDuplicates: true });
    if (created.length > 0) return { row: created[0], created: true };
    const row = await this.prisma.businessOrder.findUniqueOrThrow({
      where: { channelId_waOrderId: { channelId: data.channelId, waOrderId: data.waOrderId } },
    });
    return { row, created: false };
  }

  async saveOrderDetails(
    id: string,
    data: { items?: Prisma.InputJsonValue; detailsError?: Prisma.InputJsonValue | null },
  ): Promise<OrderRow> {
    return this.prisma.businessOrder.update({
      where: { id },
      data: {
        ...(data.items !== undefined ? { items: data.items } : {}),
        detailsError: data.detailsError === null || data.detailsError === undefined ? Prisma.DbNull : data.detailsError,
      },
    });
  }

  listOrders(channelId: string, before: string | undefined, take: number): Promise<OrderRow[]> {
    return this.prisma.businessOrder.findMany({
      where: { channelId, ...(before ? { id: { lt: before } } : {}) },
      orderBy: { id: 'desc' },
      take,
    });
  }

  findOrder(channelId: string, id: string): Promise<OrderRow | null> {
    return this.prisma.businessOrder.findFirst({ where: { channelId, id } });
  }
}

/** What WhatsApp answered of a product. */
export interface WaFields {
  waProductId: string;
  waImageUrl: string | null;
  reviewStatus: string | null;
}
