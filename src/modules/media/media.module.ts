import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import path from 'node:path';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { QUEUES } from '../../platform/queues/queue-names';
import { AccountsModule } from '../accounts/accounts.module';
import { ChannelsModule } from '../channels/channels.module';
import { LocalMediaStorage } from './local-media-storage';
import { MediaController } from './media.controller';
import { MediaLinks } from './media-links';
import { MediaMetrics } from './media.metrics';
import { MediaRepository } from './media.repository';
import { MediaRetentionProcessor } from './media-retention.processor';
import { MediaService } from './media.service';
import { MediaStorage } from './media-storage';
import { MediaUploadInterceptor } from './media-upload.interceptor';
import { MediaUrlSigner } from './media-url-signer';
import { PublicMediaController } from './public-media.controller';
import { S3MediaStorage } from './s3-media-storage';

function createMediaStorage(config: AppConfig): MediaStorage {
  const root = path.join(config.dataDir, 'media');
  const storage = config.media.storage;
  return storage.kind === 's3' ? new S3MediaStorage(storage, path.join(root, 'tmp')) : new LocalMediaStorage(root);
}

/**
 * Media stored once and sent many times: fetched from a URL or uploaded, kept content-addressed in
 * DATA_DIR/media (or an S3-compatible bucket), served through signed public links, deleted by retention when no message used them.
 * Other modules use MediaService (storeInbound, read, signedUrl, markUsed, fetchForSend), MediaLinks (signed links
 * in events as they are sent) and the table in media-types.
 */
@Module({
  imports: [AccountsModule, ChannelsModule, BullModule.registerQueue({ name: QUEUES.maintenance })],
  controllers: [MediaController, PublicMediaController],
  providers: [
    MediaRepository,
    MediaMetrics,
    MediaService,
    MediaLinks,
    MediaUploadInterceptor,
    MediaRetentionProcessor,
    { provide: MediaStorage, inject: [APP_CONFIG], useFactory: createMediaStorage },
    {
      provide: MediaUrlSigner,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new MediaUrlSigner(config.secrets.mediaSigningSecret),
    },
  ],
  exports: [MediaService, MediaLinks],
})
export class MediaModule {}
