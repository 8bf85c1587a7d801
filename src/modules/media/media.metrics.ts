import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../platform/metrics/metrics.service';

/** The media series of /metrics. */
@Injectable()
export class MediaMetrics {
  readonly stored: Counter<'source'>;
  readonly storedBytes: Counter<'source'>;
  readonly refused: Counter<'reason'>;
  readonly deleted: Counter<'cause'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.stored = new Counter({
      name: 'media_stored_total',
      help: 'Media records created, by source (url, upload, inbound)',
      labelNames: ['source'],
      registers,
    });
    this.storedBytes = new Counter({
      name: 'media_stored_bytes_total',
      help: 'Bytes of the media records created (before deduplication), by source',
      labelNames: ['source'],
      registers,
    });
    this.refused = new Counter({
      name: 'media_refused_total',
      help: 'Media refused when fetched or uploaded, by reason (too_large, type_mismatch, egress_refused, ...)',
      labelNames: ['reason'],
      registers,
    });
    this.deleted = new Counter({
      name: 'media_deleted_total',
      help: 'Media records deleted, by cause (api, retention)',
      labelNames: ['cause'],
      registers,
    });
  }
}
