import { withJitter } from '../../platform/queues/jobs';

/** Weight of the newest attempt in an endpoint's running latency. */
const LATENCY_WEIGHT = 0.2;
const MIN_WAIT_MS = 25;
const MAX_WAIT_MS = 30_000;

/**
 * Per-endpoint share of this process's delivery slots. Without it, one slow or failing receiver would take
 * every WEBHOOK_CONCURRENCY slot (its attempts wait on its answers) and every other endpoint would wait behind
 * it. An attempt first takes one of its endpoint's `perEndpoint` slots; when they are all taken it is put off
 * for about as long as the attempts already waiting for this endpoint should take, judged from the endpoint's
 * recent latency, so that a backlog is looked at about once rather than polled. In-process only: the database
 * claim, not this, is what keeps an attempt from running twice.
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly latencyMs = new Map<string, number>();
  /**
   * Attempts put off and not back yet, per endpoint, with when they are due back: how long the queue ahead of
   * a new one is. One that never comes back (another process ran it) is forgotten once well past due.
   */
  private readonly waiting = new Map<string, Map<string, number>>();

  constructor(private readonly perEndpoint: number) {}

  /** Takes a slot for an attempt of `key` (delivery and attempt), or says how long to put it off. */
  take(endpointId: string, key: string): { taken: true } | { taken: false; waitMs: number } {
    const waiting = this.waiting.get(endpointId);
    waiting?.delete(key);
    const busy = this.inFlight.get(endpointId) ?? 0;
    if (busy < this.perEndpoint) {
      this.inFlight.set(endpointId, busy + 1);
      if (waiting?.size === 0) this.waiting.delete(endpointId);
      return { taken: true };
    }
    const queue = waiting ?? new Map<string, number>();
    const now = Date.now();
    if (queue.size > 0 && queue.size % 100 === 0) {
      for (const [other, due] of queue) if (due + MAX_WAIT_MS < now) queue.delete(other);
    }
    const latency = this.latencyMs.get(endpointId) ?? MIN_WAIT_MS;
    const rounds = Math.ceil((queue.size + 1) / this.perEndpoint);
    const waitMs = Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, withJitter(latency * rounds)));
    queue.set(key, now + waitMs);
    this.waiting.set(endpointId, queue);
    return { taken: false, waitMs };
  }

  /** Takes a slot whatever the endpoint's share: the one a job going on down its lane has just given back. */
  hold(endpointId: string): void {
    this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
  }

  /** Gives the slot back, with how long the attempt took. */
  release(endpointId: string, latencyMs: number): void {
    const busy = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (busy <= 0) this.inFlight.delete(endpointId);
    else this.inFlight.set(endpointId, busy);
    const previous = this.latencyMs.get(endpointId);
    this.latencyMs.set(endpointId, previous === undefined ? latencyMs : previous + LATENCY_WEIGHT * (latencyMs - previous));
  }

  /** Attempts of this endpoint running now in this process. */
  busy(endpointId: string): number {
    return this.inFlight.get(endpointId) ?? 0;
  }
}
