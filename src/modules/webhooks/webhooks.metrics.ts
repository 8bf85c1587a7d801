import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { QUEUES } from '../../platform/queues/queue-names';

/** The webhook series of /metrics. */
@Injectable()
export class WebhooksMetrics {
  readonly deliveries: Counter<'outcome'>;
  readonly attempts: Counter<'outcome'>;
  readonly firstAttempts: Counter<'start'>;
  readonly attemptLatency: Histogram<'outcome'>;

  constructor(metrics: MetricsService, @InjectQueue(QUEUES.webhookDelivery) queue: Queue) {
    const registers = [metrics.registry];
    this.deliveries = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries that reached a final state, by outcome (delivered, failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.attempts = new Counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, failed, error, refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.firstAttempts = new Counter({
      name: 'webhook_first_attempts_total',
      help: 'First attempts of new deliveries started at their commit, by how: run at once in the process that wrote them (commit) or queued (queue)',
      labelNames: ['start'],
      registers,
    });
    this.attemptLatency = new Histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Time from sending a webhook to the end of the answer, by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'webhook_queue_depth',
      help: 'Webhook delivery jobs in the queue, by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
  }
}
