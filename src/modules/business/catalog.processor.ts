import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { SOCKET_WORKER_OPTIONS, startSocketWorker } from '../../platform/queues/socket-workers';
import { Job } from 'bullmq';
import { type CatalogImportJobData, type CatalogSyncJobData, JOBS } from '../../platform/queues/jobs';
import { CatalogImports } from './catalog-imports';
import { CatalogSync } from './catalog-sync';
import { BusinessRepository } from './business.repository';

/** Channels' catalogs are independent; one channel's work runs one at a time (CatalogSync.exclusive). */
const CONCURRENCY = 4;

/** Thin: product syncs and import chunks; at boot, what a stopped gateway left unfinished is queued again. */
@Processor(JOBS.catalogSync.queue, SOCKET_WORKER_OPTIONS)
export class CatalogProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogProcessor.name);

  constructor(
    private readonly sync: CatalogSync,
    private readonly imports: CatalogImports,
    private readonly repo: BusinessRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker.concurrency = CONCURRENCY;
    startSocketWorker(this.worker, this.config, this.logger);
    try {
      await this.imports.resumeAll();
      for (const channelId of await this.repo.channelsWithPending()) await this.imports.queueSync(channelId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not queue unfinished catalog work');
    }
  }

  async process(job: Job<CatalogSyncJobData | CatalogImportJobData>): Promise<void> {
    if (job.name === JOBS.catalogSync.name) {
      await this.sync.syncPending((job.data as CatalogSyncJobData).channelId);
      return;
    }
    if (job.name === JOBS.catalogImport.name) {
      await this.imports.runChunk((job.data as CatalogImportJobData).importId);
      return;
    }
    this.logger.warn({ job: job.name }, 'catalog job with no handler, dropped');
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.warn({ err: error }, 'catalog worker error');
  }
}
