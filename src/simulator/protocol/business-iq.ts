import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
import { type BusinessHoursDay, CATALOG_MAX_PRODUCTS, type CatalogProduct } from '../state/business';
import type { Network } from './network';
import { childBuffer, contentBuffer, firstChild, iqError, iqResult } from './nodes';

/** The page size WhatsApp answers when the client asks for none, and the most it gives in one page. */
const DEFAULT_PAGE = 10;
const MAX_PAGE = 100;
const MAX_WEBSITES = 2;

/** A refused business request: WhatsApp's IQ error code and text. */
export class BusinessRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

const text = (tag: string, value: string): BinaryNode => ({ tag, attrs: {}, content: Buffer.from(value, 'utf-8') });
const str = (node: BinaryNode | undefined, tag: string): string | undefined => childBuffer(node, tag)?.toString('utf-8');

/**
 * WhatsApp Business requests: the business profile (`w:biz`), the catalog and its collections
 * (`w:biz:catalog`) and order details (`fb:thrift_iq`). Catalog requests are throttled per account as
 * WhatsApp does (429 rate-overlimit past the account's rate).
 */
export class BusinessIq {
  constructor(private readonly net: Network) {}

  /** Answers the IQ, or undefined when it is not a business request. */
  handle(account: Account, node: BinaryNode): BinaryNode | undefined {
    const { xmlns } = node.attrs;
    if (xmlns !== 'w:biz' && xmlns !== 'w:biz:catalog' && xmlns !== 'fb:thrift_iq') return undefined;
    try {
      return this.answer(account, node);
    } catch (error) {
      if (error instanceof BusinessRefusal) return iqError(node, error.code, error.text);
      throw error;
    }
  }

  private answer(account: Account, node: BinaryNode): BinaryNode | undefined {
    const child = firstChild(node);
    const { type, xmlns } = node.attrs;
    if (xmlns === 'w:biz' && child?.tag === 'business_profile') {
      return type === 'get' ? this.profile(node, child) : type === 'set' ? this.setProfile(account, node, child) : undefined;
    }
    if (xmlns === 'fb:thrift_iq' && child?.tag === 'order' && type === 'get') {
      return this.order(account, node, child);
    }
    if (xmlns !== 'w:biz:catalog') return undefined;
    // every catalog request counts against the account's rate, and only a business account has a catalog
    if (!account.business) throw new BusinessRefusal(403, 'not-authorized');
    const state = account.businessState;
    if (!state.admit()) throw new BusinessRefusal(429, 'rate-overlimit');
    switch (child?.tag) {
      case 'product_catalog':
        return type === 'get' ? this.catalog(node, child) : undefined;
      case 'collections':
        return type === 'get' ? this.collections(node, child) : undefined;
      case 'product_catalog_add':
      case 'product_catalog_edit':
      case 'product_catalog_delete': {
        if (type !== 'set') return undefined;
        const failure = state.failures.shift();
        if (failure) throw new BusinessRefusal(failure.code, failure.text);
        if (child.tag === 'product_catalog_delete') return this.remove(account, node, child);
        return this.write(account, node, child);
      }
    }
    return undefined;
  }

  /** Anyone's business profile: a personal account answers an empty `<business_profile/>`. */
  private profile(node: BinaryNode, request: BinaryNode): BinaryNode {
    const jid = getBinaryNodeChild(request, 'profile')?.attrs.jid;
    const account = jid ? this.net.accounts.get(jid) : undefined;
    if (!account?.business) return iqResult(node, [{ tag: 'business_profile', attrs: {} }]);
    const { profile } = account.businessState;
    const content: BinaryNode[] = [];
    if (profile.address) content.push(text('address', profile.address));
    content.push(text('description', profile.description));
    for (const website of profile.websites) content.push(text('website', website));
    if (profile.email) content.push(text('email', profile.email));
    content.push({
      tag: 'categories',
      attrs: {},
      content: [{ tag: 'category', attrs: { id: profile.category.id }, content: Buffer.from(profile.category.name) }],
    });
    if (profile.hours) {
      content.push({
        tag: 'business_hours',
        attrs: { timezone: profile.hours.timezone },
        content: profile.hours.days.map((d) => ({
          tag: 'business_hours_config',
          attrs: {
            day_of_week: d.day,
            mode: d.mode,
            ...(d.mode === 'specific_hours' ? { open_time: String(d.openTime ?? 0), close_time: String(d.closeTime ?? 0) } : {}),
          },
        })),
      });
    }
    return iqResult(node, [
      { tag: 'business_profile', attrs: {}, content: [{ tag: 'profile', attrs: { jid: account.jid, tag: '0' }, content }] },
    ]);
  }

  /** The account edits its own profile: a delta, each field given replaces the stored one. */
  private setProfile(account: Account, node: BinaryNode, request: BinaryNode): BinaryNode {
    if (!account.business) throw new BusinessRefusal(403, 'not-authorized');
    if (request.attrs.mutation_type !== 'delta') throw new BusinessRefusal(400, 'bad-request');
    const profile = account.businessState.profile;
    const address = str(request, 'address');
    const email = str(request, 'email');
    const description = str(request, 'description');
    const websites = getBinaryNodeChildren(request, 'website').map((w) => contentBuffer(w)?.toString('utf-8') ?? '');
    if (websites.length > MAX_WEBSITES || (description?.length ?? 0) > 512 || (address?.length ?? 0) > 256) {
      throw new BusinessRefusal(406, 'not-acceptable');
    }
    if (email !== undefined && email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new BusinessRefusal(406, 'not-acceptable');
    if (address !== undefined) profile.address = address || undefined;
    if (email !== undefined) profile.email = email || undefined;
    if (description !== undefined) profile.description = description;
    if (websites.length > 0) profile.websites = websites.filter((w) => w !== '');
    const hours = getBinaryNodeChild(request, 'business_hours');
    if (hours) {
      profile.hours = {
        timezone: hours.attrs.timezone,
        days: getBinaryNodeChildren(hours, 'business_hours_config').map((c) => ({
          day: c.attrs.day_of_week as BusinessHoursDay['day'],
          mode: c.attrs.mode as BusinessHoursDay['mode'],
          ...(c.attrs.open_time !== undefined ? { openTime: Number(c.attrs.open_time) } : {}),
          ...(c.attrs.close_time !== undefined ? { closeTime: Number(c.attrs.close_time) } : {}),
        })),
      };
    }
    return iqResult(node);
  }

  /** A page of a catalog (anyone may read a business's catalog; hidden products only the owner sees). */
  private catalog(node: BinaryNode, request: BinaryNode): BinaryNode {
    const owner = this.net.accounts.get(request.attrs.jid);
    if (!owner?.business) throw new BusinessRefusal(404, 'item-not-found');
    const limit = Math.min(MAX_PAGE, Number(str(request, 'limit') ?? DEFAULT_PAGE) || DEFAULT_PAGE);
    const after = str(request, 'after');
    const all = owner.businessState.list();
    const start = after ? Number(Buffer.from(after, 'base64').toString('utf-8')) : 0;
    if (!Number.isInteger(start) || start < 0) throw new BusinessRefusal(400, 'bad-request');
    const page = all.slice(start, start + limit);
    const content: BinaryNode[] = page.map(productNode);
    if (start + limit < all.length) {
      content.push({ tag: 'paging', attrs: {}, content: [text('after', Buffer.from(String(start + limit)).toString('base64'))] });
    }
    return iqResult(node, [{ tag: 'product_catalog', attrs: {}, content }]);
  }

  private collections(node: BinaryNode, request: BinaryNode): BinaryNode {
    const owner = this.net.accounts.get(request.attrs.biz_jid);
    if (!owner?.business) throw new BusinessRefusal(404, 'item-not-found');
    const state = owner.businessState;
    const limit = Number(str(request, 'collection_limit') ?? 51) || 51;
    const itemLimit = Number(str(request, 'item_limit') ?? 51) || 51;
    const content = state.collections.slice(0, limit).map((c) => ({
      tag: 'collection',
      attrs: {},
      content: [
        text('id', c.id),
        text('name', c.name),
        ...c.productIds
          .map((id) => state.products.get(id))
          .filter((p): p is CatalogProduct => p !== undefined)
          .slice(0, itemLimit)
          .map(productNode),
        statusInfo('APPROVED'),
      ],
    }));
    return iqResult(node, [{ tag: 'collections', attrs: {}, content }]);
  }

  /** Adds or edits a product: WhatsApp checks it, assigns an id to a new one, and answers it back. */
  private write(account: Account, node: BinaryNode, request: BinaryNode): BinaryNode {
    const state = account.businessState;
    const input = getBinaryNodeChild(request, 'product');
    if (!input) throw new BusinessRefusal(400, 'bad-request');
    const editing = request.tag === 'product_catalog_edit';
    const id = str(input, 'id');
    const existing = id ? state.products.get(id) : undefined;
    if (editing && !existing) throw new BusinessRefusal(404, 'item-not-found');
    if (!editing && state.products.size >= CATALOG_MAX_PRODUCTS) throw new BusinessRefusal(406, 'not-acceptable');
    const images = getBinaryNodeChildren(getBinaryNodeChild(input, 'media'), 'image').map((i) => str(i, 'url') ?? '');
    const name = str(input, 'name') ?? existing?.name;
    const price = str(input, 'price') ?? existing?.price;
    const currency = str(input, 'currency') ?? existing?.currency;
    if (!name || name.length > 200 || price === undefined || !/^\d+$/.test(price) || !currency || !/^[A-Z]{3}$/.test(currency)) {
      throw new BusinessRefusal(400, 'bad-request');
    }
    // images must have been uploaded to WhatsApp's media host first
    if (images.some((url) => !url.includes('.whatsapp.net'))) throw new BusinessRefusal(400, 'bad-request');
    const retailerId = str(input, 'retailer_id') ?? existing?.retailerId ?? '';
    const product: CatalogProduct = {
      id: existing?.id ?? state.newProductId(),
      retailerId,
      name,
      description: str(input, 'description') ?? existing?.description ?? '',
      price,
      currency,
      imageUrls: images.length > 0 ? images : (existing?.imageUrls ?? []),
      url: existing?.url ?? '',
      hidden: input.attrs.is_hidden !== undefined ? input.attrs.is_hidden === 'true' : (existing?.hidden ?? false),
      originCountry: str(getBinaryNodeChild(input, 'compliance_info'), 'country_code_origin') ?? existing?.originCountry,
      reviewStatus: existing?.reviewStatus ?? 'APPROVED',
    };
    state.products.set(product.id, product);
    return iqResult(node, [{ tag: request.tag, attrs: {}, content: [productNode(product)] }]);
  }

  private remove(account: Account, node: BinaryNode, request: BinaryNode): BinaryNode {
    const state = account.businessState;
    let deleted = 0;
    for (const product of getBinaryNodeChildren(request, 'product')) {
      const id = str(product, 'id');
      if (id && state.products.delete(id)) {
        deleted++;
        for (const collection of state.collections) collection.productIds = collection.productIds.filter((p) => p !== id);
      }
    }
    return iqResult(node, [{ tag: 'product_catalog_delete', attrs: { deleted_count: String(deleted) } }]);
  }

  /** The items of an order placed with the account (the seller), given the order's token. */
  private order(account: Account, node: BinaryNode, request: BinaryNode): BinaryNode {
    const order = account.businessState.orders.get(request.attrs.id);
    const token = str(request, 'token');
    if (!order) throw new BusinessRefusal(404, 'item-not-found');
    if (token !== order.token) throw new BusinessRefusal(401, 'not-authorized');
    return iqResult(node, [
      {
        tag: 'order',
        attrs: { op: 'get', id: order.id },
        content: [
          ...order.items.map((item) => ({
            tag: 'product',
            attrs: {},
            content: [
              text('id', item.productId),
              text('name', item.name),
              { tag: 'image', attrs: {}, content: [text('url', item.imageUrl)] },
              text('price', String(item.price)),
              text('currency', item.currency),
              text('quantity', String(item.quantity)),
            ],
          })),
          { tag: 'price', attrs: {}, content: [text('total', String(order.total)), text('currency', order.currency)] },
        ],
      },
    ]);
  }
}

function statusInfo(status: string): BinaryNode {
  return { tag: 'status_info', attrs: {}, content: [text('status', status), text('can_appeal', 'false')] };
}

/** A product as the catalog answers it. */
export function productNode(product: CatalogProduct): BinaryNode {
  const first = product.imageUrls[0];
  return {
    tag: 'product',
    attrs: { is_hidden: String(product.hidden) },
    content: [
      text('id', product.id),
      text('name', product.name),
      text('retailer_id', product.retailerId),
      text('url', product.url),
      text('description', product.description),
      text('price', product.price),
      text('currency', product.currency),
      ...(first
        ? [
            {
              tag: 'media',
              attrs: {},
              content: [{ tag: 'image', attrs: {}, content: [text('request_image_url', first), text('original_image_url', first)] }],
            },
          ]
        : []),
      statusInfo(product.reviewStatus),
    ],
  };
}
