import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import {
  type BinaryNode,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  getBinaryNodeChildString,
  getUrlFromDirectPath,
  jidNormalizedUser,
  type Product,
  type ProductCreate,
  type WASocket,
} from '@whiskeysockets/baileys';
import {
  BusinessPort,
  type WireBusinessHoursDay,
  type WireBusinessProfile,
  type WireBusinessProfileChange,
  type WireCollection,
  type WireOrderDetails,
  type WireProduct,
  type WireProductImage,
  type WireProductInput,
} from '../../ports/business.port';
import { BaileysSockets } from '../baileys-sockets';

/** The platforms WhatsApp reports at pairing for the WhatsApp Business app (Android, iOS). */
const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);
/** Catalog requests are short: a stuck one should fail the product's sync, not hold the job for a minute. */
const CATALOG_TIMEOUT_MS = 15_000;

@Injectable()
export class BaileysBusiness extends BusinessPort {
  constructor(private readonly sockets: BaileysSockets) {
    super();
  }

  async isBusiness(channelId: string): Promise<boolean | null> {
    const socket = this.sockets.socketOf(channelId);
    if (!socket) return null;
    const platform = socket.authState.creds.platform;
    return platform ? BUSINESS_PLATFORMS.has(platform) : false;
  }

  profile(channelId: string): Promise<WireBusinessProfile | null> {
    return this.sockets.call(channelId, 'business.profile', async (socket) => {
      const jid = ownJid(socket);
      // the same request as getBusinessProfile, read whole: Baileys keeps the first website only
      const result = (await socket.query({
        tag: 'iq',
        attrs: { to: 's.whatsapp.net', xmlns: 'w:biz', type: 'get' },
        content: [{ tag: 'business_profile', attrs: { v: '244' }, content: [{ tag: 'profile', attrs: { jid } }] }],
      })) as BinaryNode;
      const profile = getBinaryNodeChild(getBinaryNodeChild(result, 'business_profile'), 'profile');
      return profile ? readProfile(profile, jid) : null;
    });
  }

  updateProfile(channelId: string, change: WireBusinessProfileChange): Promise<void> {
    return this.sockets.call(channelId, 'business.profile_update', async (socket) => {
      await socket.updateBussinesProfile({
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.address !== undefined ? { address: change.address } : {}),
        ...(change.email !== undefined ? { email: change.email } : {}),
        ...(change.websites !== undefined ? { websites: change.websites } : {}),
        ...(change.hours !== undefined
          ? {
              hours: {
                timezone: change.hours.timezone,
                days: change.hours.days.map((d) => ({
                  day: d.day,
                  mode: d.mode,
                  openTimeInMinutes: d.openTime !== undefined ? String(d.openTime) : undefined,
                  closeTimeInMinutes: d.closeTime !== undefined ? String(d.closeTime) : undefined,
                })),
              },
            }
          : {}),
      } as Parameters<WASocket['updateBussinesProfile']>[0]);
    });
  }

  catalogPage(channelId: string, limit: number, cursor: string | null): Promise<{ products: WireProduct[]; next: string | null }> {
    return this.sockets.call(
      channelId,
      'business.catalog',
      async (socket) => {
        const page = await socket.getCatalog({ limit, ...(cursor ? { cursor } : {}) });
        return { products: page.products.map(toWireProduct), next: page.nextPageCursor ?? null };
      },
      { timeoutMs: CATALOG_TIMEOUT_MS },
    );
  }

  collections(channelId: string): Promise<WireCollection[]> {
    return this.sockets.call(
      channelId,
      'business.collections',
      async (socket) => {
        const { collections } = await socket.getCollections();
        return collections.map((c) => ({
          id: c.id,
          name: c.name,
          status: c.status?.status ?? null,
          products: c.products.map(toWireProduct),
        }));
      },
      { timeoutMs: CATALOG_TIMEOUT_MS },
    );
  }

  createProduct(channelId: string, product: WireProductInput): Promise<WireProduct> {
    return this.sockets.call(
      channelId,
      'business.product_create',
      async (socket) => toWireProduct(await socket.productCreate(toProductCreate(product, await hostedImages(socket, product.images)))),
      { timeoutMs: CATALOG_TIMEOUT_MS },
    );
  }

  updateProduct(channelId: string, productId: string, product: WireProductInput): Promise<WireProduct> {
    return this.sockets.call(
      channelId,
      'business.product_update',
      async (socket) =>
        toWireProduct(await socket.productUpdate(productId, toProductCreate(product, await hostedImages(socket, product.images)))),
      { timeoutMs: CATALOG_TIMEOUT_MS },
    );
  }

  deleteProducts(channelId: string, productIds: string[]): Promise<number> {
    return this.sockets.call(channelId, 'business.product_delete', async (socket) => (await socket.productDelete(productIds)).deleted, {
      timeoutMs: CATALOG_TIMEOUT_MS,
    });
  }

  orderDetails(channelId: string, orderId: string, token: string): Promise<WireOrderDetails> {
    return this.sockets.call(
      channelId,
      'business.order_details',
      async (socket) => {
        const details = await socket.getOrderDetails(orderId, token);
        return {
          total: details.price.total,
          currency: details.price.currency,
          items: details.products.map((p) => ({
            productId: p.id,
            name: p.name,
            imageUrl: p.imageUrl || null,
            price: p.price,
            currency: p.currency,
            quantity: p.quantity,
          })),
        };
      },
      { timeoutMs: CATALOG_TIMEOUT_MS },
    );
  }
}

function ownJid(socket: WASocket): string {
  return jidNormalizedUser(socket.authState.creds.me?.id ?? '');
}

function readProfile(profile: BinaryNode, jid: string): WireBusinessProfile {
  const text = (tag: string) => getBinaryNodeChildString(profile, tag) ?? null;
  const hours = getBinaryNodeChild(profile, 'business_hours');
  return {
    jid: profile.attrs.jid ?? jid,
    description: text('description') ?? '',
    address: text('address'),
    email: text('email'),
    websites: getBinaryNodeChildren(profile, 'website')
      .map((w) =>
        typeof w.content === 'string' ? w.content : w.content instanceof Uint8Array ? Buffer.from(w.content).toString('utf-8') : '',
      )
      .filter((w) => w !== ''),
    category: getBinaryNodeChildString(getBinaryNodeChild(profile, 'categories'), 'category') ?? null,
    hours: hours
      ? {
          timezone: hours.attrs.timezone ?? '',
          days: getBinaryNodeChildren(hours, 'business_hours_config').map(({ attrs }) => ({
            day: attrs.day_of_week as WireBusinessHoursDay['day'],
            mode: attrs.mode as WireBusinessHoursDay['mode'],
            ...(attrs.open_time !== undefined ? { openTime: Number(attrs.open_time) } : {}),
            ...(attrs.close_time !== undefined ? { closeTime: Number(attrs.close_time) } : {}),
          })),
        }
      : null,
  };
}

/**
 * Puts a product's images on WhatsApp's media host and answers their URLs there, which Baileys passes through
 * as they are. Baileys' own upload of image bytes (uploadingNecessaryImages) stats and sends its temporary
 * file without waiting for its writes to reach it: an image may go out short or empty, and the bytes that
 * arrive after the announced length spoil the kept-alive connection for the next upload ("Media upload
 * failed on all hosts"). Here the file is whole before it is sent.
 */
async function hostedImages(socket: WASocket, images: WireProductImage[]): Promise<Array<{ url: string }>> {
  return Promise.all(
    images.map(async (image) => {
      if ('url' in image) return { url: image.url };
      const file = join(tmpdir(), `wiu-product-image-${randomBytes(8).toString('hex')}`);
      await writeFile(file, image.bytes);
      try {
        const { directPath } = await socket.waUploadToServer(file, {
          mediaType: 'product-catalog-image',
          // product images are uploaded unencrypted: the hash of the file is the hash of the image
          fileEncSha256B64: createHash('sha256').update(image.bytes).digest('base64'),
          timeoutMs: CATALOG_TIMEOUT_MS,
        });
        return { url: getUrlFromDirectPath(directPath) };
      } finally {
        await rm(file, { force: true });
      }
    }),
  );
}

function toProductCreate(product: WireProductInput, images: Array<{ url: string }>): ProductCreate {
  const create: ProductCreate = {
    retailerId: product.retailerId,
    name: product.name,
    description: product.description,
    price: product.price,
    currency: product.currency,
    isHidden: product.hidden,
    images,
    originCountryCode: product.originCountry ?? undefined,
  };
  return create;
}

export function toWireProduct(product: Product): WireProduct {
  const imageUrl = product.imageUrls?.original || product.imageUrls?.requested || null;
  return {
    id: product.id,
    retailerId: product.retailerId ?? '',
    name: product.name,
    description: product.description ?? '',
    price: product.price,
    currency: product.currency,
    imageUrl,
    url: product.url || null,
    hidden: product.isHidden ?? false,
    reviewStatus: product.reviewStatus?.whatsapp || null,
  };
}
