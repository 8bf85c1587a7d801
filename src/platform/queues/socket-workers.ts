import type { Logger } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { AppConfig } from '../config/app-config';

/**
 * Options of the processors whose jobs need a WhatsApp socket (sends, reconnects, catalog syncs): they do not
 * start with the application but through startSocketWorker, so that a process of role `api`, which holds no
 * socket, never takes one of their jobs.
 */
export const SOCKET_WORKER_OPTIONS = { autorun: false } as const;

/** Starts a socket processor's worker, unless this process is of role `api`. */
export function startSocketWorker(worker: Worker, config: AppConfig, logger: Logger): void {
  if (config.gatewayRole === 'api') return;
  worker.run().catch((error: unknown) => logger.error({ err: error }, 'queue worker stopped'));
}
