import { Body, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import {
  BulkImportDto,
  BusinessProfileDto,
  CatalogSyncDto,
  CollectionListDto,
  CreateProductDto,
  ImportAcceptedDto,
  ImportDto,
  ListOrdersQueryDto,
  ListProductsQueryDto,
  OrderDto,
  OrderPageDto,
  ProductDto,
  ProductPageDto,
  UpdateBusinessProfileDto,
  UpdateProductDto,
} from './business.contracts';
import { BusinessOrders } from './business-orders';
import { BusinessService } from './business.service';
import { CatalogImports } from './catalog-imports';
import { ProductsService } from './products.service';

const BUSINESS = 'not_business_account';
const LIVE = 'The business profile and collections are read and written on WhatsApp';
const SYNCED = "Products are put into WhatsApp's catalog over the channel's session";
const RETAILER_TAKEN = { code: 'other', status: 409 } as const;

@ApiTags('Business')
@ChannelController('business')
export class BusinessController {
  constructor(
    private readonly business: BusinessService,
    private readonly products: ProductsService,
    private readonly imports: CatalogImports,
    private readonly orders: BusinessOrders,
  ) {}

  @Get('profile')
  @ApiRoute({
    summary: "The account's business profile",
    status: 200,
    response: BusinessProfileDto,
    errors: [BUSINESS],
    needs: 'connected',
    connectedBecause: LIVE,
  })
  profile(@Channel() channel: ChannelRef) {
    return this.business.profile(channel);
  }

  @Patch('profile')
  @ApiRoute({
    summary: 'Change the business profile (description, address, email, websites, hours)',
    description: 'The category is read only: it is chosen in the WhatsApp Business app, and a linked device cannot change it.',
    status: 200,
    response: BusinessProfileDto,
    errors: ['validation', BUSINESS],
    audit: { action: 'business.profile_update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  updateProfile(@Channel() channel: ChannelRef, @Body() body: UpdateBusinessProfileDto) {
    return this.business.updateProfile(channel, body);
  }

  @Get('products')
  @ApiRoute({
    summary: "The catalog's products, newest first",
    description: "The gateway's record of each product, with its sync to WhatsApp's catalog.",
    status: 200,
    response: ProductPageDto,
    errors: ['validation', BUSINESS],
    needs: 'readable',
  })
  listProducts(@Channel() channel: ChannelRef, @Query() query: ListProductsQueryDto) {
    return this.products.list(channel, query);
  }

  @Post('products')
  @ApiRoute({
    summary: 'Add a product to the catalog',
    description:
      "Stored at once with `sync.state: pending`, then put into WhatsApp's catalog by the catalog queue (`synced`, or `failed` with WhatsApp's refusal).",
    status: 201,
    response: ProductDto,
    errors: ['validation', BUSINESS, RETAILER_TAKEN],
    audit: { action: 'business.product_create', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: SYNCED,
  })
  createProduct(@Channel() channel: ChannelRef, @Body() body: CreateProductDto) {
    return this.products.create(channel, body);
  }

  @Post('products/bulk')
  @ApiRoute({
    summary: 'Import up to 500 products (upsert by retailer_id)',
    description:
      "Validated whole: one invalid item refuses the call (naming it by index) and nothing is imported. Accepted imports are processed by a queued job, paced to WhatsApp's throttle; follow them with GET …/business/imports/{importId}.",
    status: 202,
    response: ImportAcceptedDto,
    errors: ['validation', BUSINESS],
    audit: { action: 'business.product_import', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: SYNCED,
  })
  importProducts(@Channel() channel: ChannelRef, @Body() body: BulkImportDto) {
    return this.imports.accept(channel, body);
  }

  @Get('imports/:importId')
  @ApiRoute({
    summary: "A bulk import: its progress, counts and each item's outcome",
    status: 200,
    response: ImportDto,
    errors: ['not_found', BUSINESS],
    needs: 'readable',
  })
  getImport(@Channel() channel: ChannelRef, @Param('importId') importId: string) {
    return this.imports.get(channel, importId);
  }

  @Get('products/:productId')
  @ApiRoute({ summary: 'One product', status: 200, response: ProductDto, errors: ['not_found', BUSINESS], needs: 'readable' })
  getProduct(@Channel() channel: ChannelRef, @Param('productId') productId: string) {
    return this.products.get(channel, productId);
  }

  @Patch('products/:productId')
  @ApiRoute({
    summary: 'Change a product',
    description: 'A new version, synced to WhatsApp like a new product.',
    status: 200,
    response: ProductDto,
    errors: ['validation', 'not_found', BUSINESS, RETAILER_TAKEN],
    audit: { action: 'business.product_update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: SYNCED,
  })
  updateProduct(@Channel() channel: ChannelRef, @Param('productId') productId: string, @Body() body: UpdateProductDto) {
    return this.products.update(channel, productId, body);
  }

  @Delete('products/:productId')
  @ApiNoContentResponse({ description: "The product is deleted; the catalog queue takes it off WhatsApp's catalog." })
  @ApiRoute({
    summary: 'Delete a product',
    status: 204,
    errors: ['not_found', BUSINESS],
    audit: { action: 'business.product_delete', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: SYNCED,
  })
  deleteProduct(@Channel() channel: ChannelRef, @Param('productId') productId: string) {
    return this.products.remove(channel, productId);
  }

  @Post('catalog/sync')
  @ApiRoute({
    summary: "Reconcile with WhatsApp's catalog (changes made on the phone)",
    description:
      "Walks WhatsApp's catalog page by page: products made on the phone are recorded, changed ones updated, deleted ones deleted. Products with a change of yours still pending are left to their sync.",
    status: 200,
    response: CatalogSyncDto,
    errors: [BUSINESS, 'rate_limited'],
    audit: { action: 'business.catalog_sync', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  syncCatalog(@Channel() channel: ChannelRef) {
    return this.business.reconcile(channel);
  }

  @Get('collections')
  @ApiRoute({
    summary: "The catalog's collections (read only)",
    description: 'WhatsApp lets only its Business app create and edit collections; a linked device can read them.',
    status: 200,
    response: CollectionListDto,
    errors: [BUSINESS, 'rate_limited'],
    needs: 'connected',
    connectedBecause: LIVE,
  })
  collections(@Channel() channel: ChannelRef) {
    return this.business.collections(channel);
  }

  @Get('orders')
  @ApiRoute({
    summary: 'Orders customers placed from the catalog, newest first',
    status: 200,
    response: OrderPageDto,
    errors: ['validation', BUSINESS],
    needs: 'readable',
  })
  listOrders(@Channel() channel: ChannelRef, @Query() query: ListOrdersQueryDto) {
    return this.orders.list(channel, query);
  }

  @Get('orders/:orderId')
  @ApiRoute({ summary: 'One order, with its items', status: 200, response: OrderDto, errors: ['not_found', BUSINESS], needs: 'readable' })
  getOrder(@Channel() channel: ChannelRef, @Param('orderId') orderId: string) {
    return this.orders.get(channel, orderId);
  }
}
