import { Injectable } from '@nestjs/common';
import { AttemptOutcome, DeliverWebhookAttempt } from './deliver-webhook-attempt';
import { EndpointSlots } from './endpoint-slots';
import { WebhookDispatcher } from './webhook-dispatcher';
import type { ClaimedDelivery } from './webhooks.repository';

/**
 * How long a run goes on down its lane. A lane's first attempts run one after the other; running the next one
 * in the run that released it, rather than in a job of its own, saves the queue's round trips (add, fetch,
 * complete: three Redis scripts) and its latency on every step. Past this the next step is queued as a job, so
 * a worker's slot and a graceful stop are never held for long.
 */
export const LANE_RUN_MS = 1_000;

/** How a run ended: nothing left to do here, or its attempt is not due yet and must be tried again later. */
export type LaneRunEnd = { kind: 'done' } | { kind: 'wait'; delayMs: number };

/**
 * Runs one attempt of a delivery, whose endpoint slot the caller has taken (a queued job, or a first attempt
 * handed over at its commit), and goes on down its lane with each first attempt it releases, for at most
 * LANE_RUN_MS or until `stopping`. Each attempt gives its slot back as it ends, as if it had been a job of its
 * own; the run takes it again for the next one.
 */
@Injectable()
export class WebhookLaneRun {
  constructor(
    private readonly deliver: DeliverWebhookAttempt,
    private readonly dispatcher: WebhookDispatcher,
    private readonly slots: EndpointSlots,
  ) {}

  async run(start: { deliveryId: string; attempt: number }, endpointId: string | undefined, stopping: () => boolean): Promise<LaneRunEnd> {
    const runUntil = performance.now() + LANE_RUN_MS;
    let current: { deliveryId: string; attempt: number; claimed?: ClaimedDelivery } = start;
    for (;;) {
      const started = performance.now();
      // While the run may go on, the end of each attempt claims the lane's next first attempt in its statement.
      const options = { claimNext: performance.now() < runUntil && !stopping() };
      let outcome: AttemptOutcome;
      try {
        outcome = current.claimed
          ? await this.deliver.attempt(current.claimed, options)
          : await this.deliver.execute(current.deliveryId, current.attempt, options);
      } finally {
        if (endpointId) this.slots.release(endpointId, performance.now() - started);
      }
      if (outcome.kind !== 'released') return outcome;
      const { next, claimed } = outcome;
      // Claimed already, the next attempt is this run's; otherwise it runs here while the run may go on.
      if (!claimed && (performance.now() >= runUntil || stopping())) {
        await this.dispatcher.wake(next, current.deliveryId);
        return { kind: 'done' };
      }
      // The slot given back above is taken again at once (nothing ran in between): the run keeps its one slot.
      if (endpointId) this.slots.hold(endpointId);
      current = claimed ? { deliveryId: claimed.id, attempt: claimed.attempts, claimed } : { deliveryId: next.id, attempt: 1 };
    }
  }
}
