import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors/app-error';
import { pageQuerySchema, pageSchema, topLevel } from '../../platform/pagination';
import type { WireBusinessProfile } from '../../engine/ports/business.port';
import type { OrderRow, ProductFields, ProductRow } from './business.repository';

const timestamp = z.iso.datetime({ offset: true });

/** The most products one bulk import takes. */
export const BULK_IMPORT_MAX = 500;
/** The most images a product has on WhatsApp. */
export const PRODUCT_IMAGES_MAX = 10;

export const AVAILABILITIES = ['in_stock', 'out_of_stock', 'preorder', 'available_for_order', 'discontinued'] as const;
export const SYNC_STATES = ['pending', 'synced', 'failed'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

// ---- business profile

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const minute = z.number().int().min(0).max(1440);

const hoursDaySchema = z
  .object({
    day: z.enum(DAYS),
    mode: z.enum(['open_24h', 'specific_hours', 'appointment_only']),
    open_minute: minute.optional().describe('With `specific_hours`: opening time, minutes after midnight.'),
    close_minute: minute.optional().describe('With `specific_hours`: closing time, minutes after midnight.'),
  })
  .meta({ id: 'BusinessHoursDay' });

const hoursSchema = z
  .object({
    timezone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Paris.'),
    days: z.array(hoursDaySchema).max(7),
  })
  .meta({ id: 'BusinessHours' });

export const businessProfileSchema = z
  .object({
    description: z.string(),
    address: z.string().nullable(),
    email: z.string().nullable(),
    websites: z.array(z.string()),
    category: z.string().nullable().describe('Read only: chosen in the WhatsApp Business app; a linked device cannot change it.'),
    hours: hoursSchema.nullable(),
  })
  .meta({ id: 'BusinessProfile' });
export class BusinessProfileDto extends createZodDto(topLevel(businessProfileSchema)) {}
export type BusinessProfile = z.infer<typeof businessProfileSchema>;

const updateHoursDaySchema = z
  .strictObject({
    day: z.enum(DAYS),
    mode: z.enum(['open_24h', 'specific_hours', 'appointment_only']),
    open_minute: minute.optional(),
    close_minute: minute.optional(),
  })
  .refine((d) => d.mode !== 'specific_hours' || (d.open_minute !== undefined && d.close_minute !== undefined), {
    message: 'specific_hours needs open_minute and close_minute',
  })
  .refine((d) => d.mode === 'specific_hours' || (d.open_minute === undefined && d.close_minute === undefined), {
    message: 'open_minute and close_minute go with specific_hours only',
  })
  .refine((d) => d.open_minute === undefined || d.close_minute === undefined || d.open_minute < d.close_minute, {
    message: 'open_minute must come before close_minute',
  });

export const updateBusinessProfileSchema = z
  .strictObject({
    description: z.string().max(512).optional(),
    address: z.string().max(256).optional(),
    email: z
      .union([z.email().max(128), z.literal('')])
      .optional()
      .describe('An empty string removes it.'),
    websites: z
      .array(z.url({ protocol: /^https?$/ }).max(256))
      .min(1)
      // WhatsApp's profile change is a delta: one naming no website leaves the list as it is, so [] would change nothing
      .max(2)
      .optional()
      .describe('One or two; replaces the list. A linked device cannot clear it: a change naming no website leaves the list as it is.'),
    hours: z
      .strictObject({
        timezone: z.string().min(1).max(64),
        days: z
          .array(updateHoursDaySchema)
          .max(7)
          .refine((days) => new Set(days.map((d) => d.day)).size === days.length, { message: 'a day appears once' }),
      })
      .optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to change' })
  .describe('Fields a linked device can change (the category is set in the WhatsApp Business app).');
export class UpdateBusinessProfileDto extends createZodDto(updateBusinessProfileSchema) {}
export type UpdateBusinessProfileInput = z.infer<typeof updateBusinessProfileSchema>;

// ---- products

const imageInputSchema = z
  .strictObject({
    media_id: z.string().min(1).max(200).optional().describe('An image uploaded with POST /v1/channels/{channelId}/media.'),
    source_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe('Fetched when the product is synced (public addresses only unless the operator allows others).'),
  })
  .refine((m) => Boolean(m.media_id) !== Boolean(m.source_url), { message: 'give exactly one of media_id and source_url' });

const retailerId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.:/-]+$/, 'letters, digits and . _ - : / only')
  .describe('Your own id of the product (SKU), unique on the channel; orders name products by it.');

const productFields = {
  retailer_id: retailerId,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  price_amount_1000: z
    .number()
    .int()
    .min(0)
    .max(1e15)
    .describe('The price × 1000 in the currency (9.99 USD is 9990), exact for every ISO 4217 currency.'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  sale_price_amount_1000: z
    .number()
    .int()
    .min(0)
    .max(1e15)
    .nullable()
    .optional()
    .describe('A sale price × 1000, below the price. Kept by the gateway (shown in product messages): the catalog has no field for it.'),
  images: z.array(imageInputSchema).max(PRODUCT_IMAGES_MAX).optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable()
    .optional()
    .describe('Kept by the gateway: WhatsApp ignores it from a linked device.'),
  availability: z.enum(AVAILABILITIES).optional().describe("Kept by the gateway: WhatsApp's catalog shows every product in stock."),
  hidden: z.boolean().optional().describe('Hidden from customers in the catalog.'),
  origin_country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as FR')
    .nullable()
    .optional()
    .describe('Where the product comes from; null: exempt.'),
};

const salePriceBelowPrice = (p: { price_amount_1000?: number; sale_price_amount_1000?: number | null }) =>
  p.sale_price_amount_1000 === undefined ||
  p.sale_price_amount_1000 === null ||
  p.price_amount_1000 === undefined ||
  p.sale_price_amount_1000 < p.price_amount_1000;

export const createProductSchema = z
  .strictObject(productFields)
  .refine(salePriceBelowPrice, { message: 'sale_price_amount_1000 must be below price_amount_1000', path: ['sale_price_amount_1000'] });
export class CreateProductDto extends createZodDto(createProductSchema) {}
export type CreateProductInput = z.infer<typeof createProductSchema>;

export const updateProductSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(productFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof productFields]: z.ZodOptional<(typeof productFields)[K]>;
    },
  )
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field to change' })
  .refine(salePriceBelowPrice, { message: 'sale_price_amount_1000 must be below price_amount_1000', path: ['sale_price_amount_1000'] });
export class UpdateProductDto extends createZodDto(updateProductSchema) {}
export type UpdateProductInput = z.infer<typeof updateProductSchema>;

const syncErrorSchema = z.object({ code: z.string(), message: z.string(), reason: z.string().nullable() });

export const productSchema = z
  .object({
    id: z.string().describe("The gateway's id of the product."),
    retailer_id: z.string(),
    name: z.string(),
    description: z.string(),
    price_amount_1000: z.number().int(),
    sale_price_amount_1000: z.number().int().nullable(),
    currency: z.string(),
    images: z.array(z.object({ media_id: z.string().optional(), source_url: z.string().optional() })),
    url: z.string().nullable(),
    availability: z.enum(AVAILABILITIES),
    hidden: z.boolean(),
    origin_country: z.string().nullable(),
    wa_product_id: z.string().nullable().describe("WhatsApp's id of the product once it is in the catalog."),
    wa_image_url: z.string().nullable().describe("The first image as WhatsApp's media host serves it."),
    review_status: z.string().nullable().describe("WhatsApp's review of the product (APPROVED, PENDING, REJECTED)."),
    sync: z
      .object({
        state: z
          .enum(SYNC_STATES)
          .describe('pending: on its way to WhatsApp; synced: WhatsApp has this version; failed: WhatsApp refused it.'),
        error: syncErrorSchema.nullable().describe('Why the last sync failed.'),
        synced_at: timestamp.nullable(),
      })
      .meta({ id: 'ProductSync' }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Product' });
export class ProductDto extends createZodDto(topLevel(productSchema)) {}
export type Product = z.infer<typeof productSchema>;

export class ProductPageDto extends createZodDto(pageSchema(productSchema)) {}

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listProductsQuerySchema = pageQuerySchema.extend({
  availability: z.enum(AVAILABILITIES).optional(),
  hidden: booleanQuery.optional(),
  sync: z.enum(SYNC_STATES).optional().describe('Only products in this sync state.'),
  updated_since: timestamp.optional().describe('Only products changed at or after this instant.'),
});
export class ListProductsQueryDto extends createZodDto(listProductsQuerySchema) {}
export type ListProductsQuery = z.infer<typeof listProductsQuerySchema>;

// ---- bulk import

export const bulkImportSchema = z.strictObject({
  products: z.array(createProductSchema).min(1).max(BULK_IMPORT_MAX).describe(`1 to ${BULK_IMPORT_MAX} products, upserted by retailer_id.`),
});
export class BulkImportDto extends createZodDto(bulkImportSchema) {}
export type BulkImportInput = z.infer<typeof bulkImportSchema>;

export const IMPORT_ITEM_STATUSES = ['pending', 'created', 'updated', 'unchanged', 'failed'] as const;
export type ImportItemStatus = (typeof IMPORT_ITEM_STATUSES)[number];

export const importAcceptedSchema = z.object({
  import_id: z.string(),
  status: z.enum(['queued', 'running', 'completed']),
  total: z.number().int(),
});
export class ImportAcceptedDto extends createZodDto(importAcceptedSchema) {}

export const importSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'completed']),
    total: z.number().int(),
    processed: z.number().int().describe('Items done (whatever their outcome).'),
    counts: z.object(Object.fromEntries(IMPORT_ITEM_STATUSES.map((s) => [s, z.number().int()])) as Record<ImportItemStatus, z.ZodNumber>),
    items: z.array(
      z.object({
        index: z.number().int(),
        retailer_id: z.string(),
        status: z.enum(IMPORT_ITEM_STATUSES),
        product_id: z.string().nullable(),
        error: syncErrorSchema.nullable(),
      }),
    ),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
  })
  .meta({ id: 'ProductImport' });
export class ImportDto extends createZodDto(topLevel(importSchema)) {}
export type ProductImport = z.infer<typeof importSchema>;

// ---- catalog sync and collections

export const catalogSyncSchema = z.object({
  total: z.number().int().describe("Products in WhatsApp's catalog."),
  created: z.number().int().describe('Products made on the phone, now recorded by the gateway.'),
  updated: z.number().int().describe('Products changed on the phone, updated here.'),
  deleted: z.number().int().describe('Products deleted on the phone, deleted here.'),
  unchanged: z.number().int(),
});
export class CatalogSyncDto extends createZodDto(catalogSyncSchema) {}

const collectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.string().nullable(),
    products: z.array(
      z.object({
        wa_product_id: z.string(),
        product_id: z.string().nullable().describe("The gateway's product, when it knows it."),
        retailer_id: z.string(),
        name: z.string(),
      }),
    ),
  })
  .meta({ id: 'ProductCollection' });
export class CollectionListDto extends createZodDto(z.object({ data: z.array(collectionSchema) })) {}

// ---- orders

export const orderSchema = z
  .object({
    id: z.string(),
    wa_order_id: z.string(),
    message_id: z.string().nullable().describe('The order message (GET /v1/channels/{channelId}/messages/{messageId}).'),
    chat_id: z.string(),
    customer: z.string().describe('The JID of who placed the order.'),
    status: z.enum(['inquiry', 'accepted', 'declined']),
    title: z.string().nullable(),
    text: z.string().nullable(),
    item_count: z.number().int(),
    total_amount_1000: z.number().int().nullable(),
    currency: z.string().nullable(),
    items: z
      .array(
        z.object({
          wa_product_id: z.string(),
          product_id: z.string().nullable(),
          retailer_id: z.string().nullable(),
          name: z.string(),
          image_url: z.string().nullable(),
          quantity: z.number().int(),
          price_amount_1000: z.number().int(),
          currency: z.string(),
        }),
      )
      .nullable()
      .describe("The order's items from WhatsApp's order details; null until WhatsApp answered them."),
    details_error: syncErrorSchema.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Order' });
export class OrderDto extends createZodDto(topLevel(orderSchema)) {}
export type Order = z.infer<typeof orderSchema>;
export class OrderPageDto extends createZodDto(pageSchema(orderSchema)) {}

export const listOrdersQuerySchema = pageQuerySchema;
export class ListOrdersQueryDto extends createZodDto(listOrdersQuerySchema) {}

// ---- mappers

/** A product image as the customer gave it. */
export interface ProductImageInput {
  media_id?: string;
  source_url?: string;
}

export type SyncError = {
  code: string;
  message: string;
  reason: string | null;
};

/** What went wrong with WhatsApp, as a product's or an import item's error. */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof AppError) {
    const reason = (error.details as { reason?: unknown } | undefined)?.reason;
    return { code: error.code, message: error.message, reason: typeof reason === 'string' ? reason : null };
  }
  return { code: 'internal_error', message: 'The sync failed unexpectedly.', reason: null };
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    retailer_id: row.retailerId,
    name: row.name,
    description: row.description,
    price_amount_1000: Number(row.priceAmount1000),
    sale_price_amount_1000: row.salePriceAmount1000 === null ? null : Number(row.salePriceAmount1000),
    currency: row.currency,
    images: row.images as ProductImageInput[],
    url: row.url,
    availability: row.availability as Product['availability'],
    hidden: row.hidden,
    origin_country: row.originCountry,
    wa_product_id: row.waProductId,
    wa_image_url: row.waImageUrl,
    review_status: row.reviewStatus,
    sync: {
      state: row.syncState === 'synced' || row.syncState === 'failed' ? row.syncState : 'pending',
      error: (row.syncError as SyncError | null) ?? null,
      synced_at: row.syncedAt?.toISOString() ?? null,
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The stored fields of a product input (create, or an import item). */
export function productFieldsOf(input: CreateProductInput): ProductFields {
  return {
    retailerId: input.retailer_id,
    name: input.name,
    description: input.description ?? '',
    priceAmount1000: BigInt(input.price_amount_1000),
    salePriceAmount1000:
      input.sale_price_amount_1000 === undefined || input.sale_price_amount_1000 === null ? null : BigInt(input.sale_price_amount_1000),
    currency: input.currency,
    images: (input.images ?? []).map((i) => (i.media_id ? { media_id: i.media_id } : { source_url: i.source_url! })),
    url: input.url ?? null,
    availability: input.availability ?? 'in_stock',
    hidden: input.hidden ?? false,
    originCountry: input.origin_country ?? null,
  };
}

/** Whether a stored product already holds these fields (an import item that changes nothing). */
export function sameFields(row: ProductRow, fields: ProductFields): boolean {
  return (
    row.retailerId === fields.retailerId &&
    row.name === fields.name &&
    row.description === fields.description &&
    row.priceAmount1000 === fields.priceAmount1000 &&
    row.salePriceAmount1000 === fields.salePriceAmount1000 &&
    row.currency === fields.currency &&
    JSON.stringify(row.images) === JSON.stringify(fields.images) &&
    row.url === fields.url &&
    row.availability === fields.availability &&
    row.hidden === fields.hidden &&
    row.originCountry === fields.originCountry
  );
}

const ORDER_STATUSES: Record<string, Order['status']> = { INQUIRY: 'inquiry', ACCEPTED: 'accepted', DECLINED: 'declined' };

export interface OrderItemRecord {
  wa_product_id: string;
  retailer_id: string | null;
  product_id: string | null;
  name: string;
  image_url: string | null;
  quantity: number;
  price_amount_1000: number;
  currency: string;
}

export function toOrder(row: OrderRow, messageId: string | null): Order {
  return {
    id: row.id,
    wa_order_id: row.waOrderId,
    message_id: messageId,
    chat_id: row.chatJid,
    customer: row.senderJid,
    status: ORDER_STATUSES[row.status] ?? 'inquiry',
    title: row.title,
    text: row.text,
    item_count: row.itemCount,
    total_amount_1000: row.totalAmount1000 === null ? null : Number(row.totalAmount1000),
    currency: row.currency,
    items: (row.items as OrderItemRecord[] | null) ?? null,
    details_error: (row.detailsError as SyncError | null) ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

/** A business profile as WhatsApp answers it, in the API's terms. */
export function toProfile(profile: WireBusinessProfile): BusinessProfile {
  return {
    description: profile.description,
    address: profile.address,
    email: profile.email,
    websites: profile.websites,
    category: profile.category,
    hours: profile.hours
      ? {
          timezone: profile.hours.timezone,
          days: profile.hours.days.map((d) => ({
            day: d.day,
            mode: d.mode,
            ...(d.openTime !== undefined ? { open_minute: d.openTime } : {}),
            ...(d.closeTime !== undefined ? { close_minute: d.closeTime } : {}),
          })),
        }
      : null,
  };
}
