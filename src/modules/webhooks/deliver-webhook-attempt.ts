import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { whileDatabaseUnavailable } from '../../platform/database';
import { EgressGuard } from '../../platform/egress/egress-guard';
import { withJitter } from '../../platform/queues/jobs';
import { version as PACKAGE_VERSION } from '../../../package.json';
import { MediaLinks } from '../media/media-links';
import { WebhookDispatcher } from './webhook-dispatcher';
import { toWebhookEnvelope, WEBHOOK_HEADERS } from './webhook-envelope';
import { postJson, SendResult } from './webhook-sender';
import { SecretBox } from '../../platform/crypto/secret-box';
import { signatureHeader } from './webhook-signing';
import { WebhooksMetrics } from './webhooks.metrics';
import { ClaimedDelivery, QueuedDelivery, WebhooksRepository } from './webhooks.repository';

export const WEBHOOK_USER_AGENT = `WhatIsUp-Webhooks/${PACKAGE_VERSION}`;

/** Margin of the claim's lease over the attempt timeout, before another process may take the attempt over. */
const LEASE_MARGIN_MS = 5_000;
/** How long an attempt's outcome waits for an unreachable database; past it the job fails and the sweeper sends the delivery again. */
const RECORD_WAIT_MS = 5 * 60_000;

/**
 * What an attempt leaves to its caller: nothing; waiting (not due yet); or, when it was the attempt holding its
 * lane, the next delivery of the lane, now free for its first attempt (the caller runs it or queues it), and
 * `claimed` when that first attempt was claimed along with the end of this one (the caller must run it).
 */
export type AttemptOutcome =
  { kind: 'done' } | { kind: 'wait'; delayMs: number } | { kind: 'released'; next: QueuedDelivery; claimed?: ClaimedDelivery };

/**
 * Runs attempt number `attempt` of a delivery: claims it in the database (exactly one process wins), sends
 * the signed envelope, records the answer, and schedules what comes next (the next attempt, or nothing); an
 * attempt that held its lane hands back the lane's next delivery.
 */
@Injectable()
export class DeliverWebhookAttempt {
  private readonly logger = new Logger(DeliverWebhookAttempt.name);

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly guard: EgressGuard,
    private readonly secrets: SecretBox,
    private readonly metrics: WebhooksMetrics,
    private readonly mediaLinks: MediaLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `claimNext`: see `attempt`. */
  async execute(deliveryId: string, attempt: number, options: { claimNext?: boolean } = {}): Promise<AttemptOutcome> {
    const settings = this.config.webhooks;
    const delivery = await this.repository.claim(deliveryId, attempt, settings.attemptTimeoutMs + LEASE_MARGIN_MS);
    if (!delivery) {
      // A first attempt is due from the start: it was taken already, or it is held back behind its lane.
      if (attempt === 1) return { kind: 'done' };
      const reason = await this.repository.whyNotClaimed(deliveryId, attempt);
      if (reason.kind === 'not_due') return { kind: 'wait', delayMs: Math.max(10, reason.dueAt.getTime() - Date.now()) };
      // Held back behind an older delivery of its lane: that one queues this one when its first attempt ends.
      return { kind: 'done' };
    }
    return this.attempt(delivery, options);
  }

  /**
   * Runs an attempt claimed already: by `execute`, or along with the end of the attempt before it in its lane.
   * With `claimNext`, an attempt holding its lane claims the lane's next first attempt as it ends (for the
   * caller to run: `released` with `claimed`).
   */
  async attempt(delivery: ClaimedDelivery, { claimNext = false }: { claimNext?: boolean } = {}): Promise<AttemptOutcome> {
    const settings = this.config.webhooks;
    const deliveryId = delivery.id;
    const attempt = delivery.attempts;
    const result: SendResult = delivery.endpointEnabled
      ? await this.send(delivery).catch((error: Error) => {
          // E.g. a signing secret sealed under another WEBHOOK_SIGNING_SECRET: recorded and retried like any failure.
          this.logger.error({ err: error, delivery_id: deliveryId }, 'could not send a webhook');
          return { statusCode: null, latencyMs: 0, refused: false, error: `could not send: ${error.message}`, responseSnippet: null };
        })
      : { statusCode: null, latencyMs: 0, refused: false, error: 'the endpoint is disabled', responseSnippet: null };

    const outcome = result.statusCode === null ? 'error' : result.statusCode >= 200 && result.statusCode < 300 ? 'succeeded' : 'failed';
    const gone = result.statusCode === 410;
    const inSeries = attempt - delivery.seriesStart;
    const retry = outcome !== 'succeeded' && !gone && delivery.endpointEnabled && inSeries <= settings.retryScheduleMs.length;
    const delayMs = retry ? withJitter(settings.retryScheduleMs[inSeries - 1]) : 0;
    const status = outcome === 'succeeded' ? 'delivered' : retry ? 'pending' : 'failed';

    // The receiver has answered: its answer is recorded once the database is back (a restart, a failover)
    // rather than lost, which would have the delivery sent again as a new attempt.
    const recorded = <T>(write: () => Promise<T>) =>
      whileDatabaseUnavailable(write, {
        maxWaitMs: RECORD_WAIT_MS,
        onWait: (error, tries, waitMs) =>
          this.logger.warn(
            { err: error, delivery_id: deliveryId, attempt, tries, retry_in_ms: waitMs },
            'database unavailable; attempt outcome kept',
          ),
      });
    // Disabled first, so that once this delivery reads as failed the endpoint already reads as disabled.
    if (gone) await recorded(() => this.repository.disableGoneEndpoint(delivery.endpointId));
    const finished = await recorded(() =>
      this.repository.finishAttempt({
        deliveryId,
        number: attempt,
        lane: delivery.lane,
        attempt: {
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          outcome,
          error: result.error,
          responseSnippet: result.responseSnippet,
        },
        next: { status, ...(retry ? { nextAttemptAt: new Date(Date.now() + delayMs) } : {}) },
        ...(claimNext && !delivery.firstAttemptDone ? { claimNext: { leaseMs: settings.attemptTimeoutMs + LEASE_MARGIN_MS } } : {}),
      }),
    );
    this.metrics.attempts.inc({ outcome: result.refused ? 'refused' : outcome });
    this.metrics.attemptLatency.observe({ outcome }, result.latencyMs / 1000);
    if (!finished.updated) return { kind: 'done' };
    if (status !== 'pending') this.metrics.deliveries.inc({ outcome: status });
    if (retry) await this.dispatcher.enqueueAttempt(delivery, attempt + 1, delayMs);
    // This attempt held its lane: the next delivery waiting for its first attempt is free now.
    if (!delivery.firstAttemptDone && finished.nextInLane)
      return { kind: 'released', next: { id: finished.nextInLane, endpointId: delivery.endpointId }, claimed: finished.claimedNext };
    return { kind: 'done' };
  }

  private async send(delivery: ClaimedDelivery): Promise<SendResult> {
    const now = new Date();
    const body = JSON.stringify(
      toWebhookEnvelope({ ...delivery, payload: this.mediaLinks.inPayload(delivery.eventType, delivery.payload, now) }, now),
    );
    const secrets = [this.secrets.open(delivery.endpointSecret).toString('utf8')];
    const previousExpiresAt = delivery.endpointPreviousSecretExpiresAt;
    if (delivery.endpointPreviousSecret && previousExpiresAt && new Date(previousExpiresAt) > new Date()) {
      secrets.push(this.secrets.open(delivery.endpointPreviousSecret).toString('utf8'));
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
      [WEBHOOK_HEADERS.signature]: signatureHeader(Math.floor(Date.now() / 1000), body, secrets),
      [WEBHOOK_HEADERS.event]: delivery.eventType,
      [WEBHOOK_HEADERS.eventId]: delivery.id,
    };
    if (delivery.correlationId) headers[WEBHOOK_HEADERS.correlationId] = delivery.correlationId;
    const result = await postJson(this.guard, delivery.endpointUrl, body, headers, this.config.webhooks.attemptTimeoutMs);
    if (result.refused)
      this.logger.warn(
        { delivery_id: delivery.id, endpoint_id: delivery.endpointId, error: result.error },
        'webhook refused by the egress guard',
      );
    return result;
  }
}
