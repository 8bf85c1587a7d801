import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '../../platform/queues/queue-names';
import { ChannelsModule } from '../channels/channels.module';
import { MediaModule } from '../media/media.module';
import { MessagesModule } from '../messages/messages.module';
import { BusinessOrders } from './business-orders';
import { BusinessController } from './business.controller';
import { BusinessRepository } from './business.repository';
import { BusinessService } from './business.service';
import { CatalogImports } from './catalog-imports';
import { CatalogProcessor } from './catalog.processor';
import { CatalogSync } from './catalog-sync';
import { ProductImages } from './product-images';
import { ProductsService } from './products.service';

/**
 * WhatsApp Business: the profile (live), the catalog (a table of products synced to WhatsApp by the catalog
 * queue), bulk imports, collections (live) and the orders customers place (a table fed by order messages).
 */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.businessCatalog }), ChannelsModule, MediaModule, MessagesModule],
  controllers: [BusinessController],
  providers: [
    BusinessRepository,
    BusinessService,
    ProductsService,
    ProductImages,
    CatalogSync,
    CatalogImports,
    CatalogProcessor,
    BusinessOrders,
  ],
})
export class BusinessModule {}
