import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { JOBS } from '../../platform/queues/jobs';
import { MediaStorage } from './media-storage';
import { MediaService } from './media.service';

const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/**
 * Media retention, hourly on the maintenance queue. The schedule is upserted under one id by every
 * process at boot, so there is one schedule however many processes run, and BullMQ hands each run to one
 * worker; the sweep itself is idempotent (see MediaService.sweepRetention).
 */
@Processor(JOBS.mediaRetention.queue)
export class MediaRetentionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MediaRetentionProcessor.name);

  constructor(
    private readonly media: MediaService,
    private readonly storage: MediaStorage,
    @InjectQueue(JOBS.mediaRetention.queue) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      if (this.config.media.retentionDays > 0) {
        const job = JOBS.mediaRetention;
        await this.queue.upsertJobScheduler(job.schedulerId, { every: job.everyMs }, { name: job.name, opts: job.options });
      } else {
        await this.queue.removeJobScheduler(JOBS.mediaRetention.schedulerId);
      }
    } catch (error) {
      // Redis was checked at boot; a hiccup here only delays retention to the next start.
      this.logger.warn({ err: error }, 'could not schedule media retention');
    }
  }

  async process(job: Job): Promise<{ deleted: number; staleStaging: number } | undefined> {
    if (job.name !== JOBS.mediaRetention.name) {
      this.logger.warn({ job: job.name }, 'maintenance job with no handler, dropped');
      return undefined;
    }
    const deleted = await this.media.sweepRetention();
    const staleStaging = await this.storage.removeStaleStaging(STALE_STAGING_MS);
    if (deleted > 0 || staleStaging > 0) this.logger.log({ deleted, staleStaging }, 'media retention');
    return { deleted, staleStaging };
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'maintenance worker error');
  }
}
