import { withJitter } from '../../platform/queues/jobs';

/** Weight of the newest attempt in an endpoint's running latency. */
const LATENCY_WEIGHT = 0.2;
const MIN_WAIT_MS = 25;
const MAX_WAIT_MS = 30_000;
/** How long past its due time a put-off attempt may take to come back and still count as waiting. */
const RETURN_GRACE_MS = 1_000;

/**
 * Per-endpoint share of this process's delivery slots. Without it, one slow or failing receiver would take
 * every WEBHOOK_CONCURRENCY slot (its attempts wait on its answers) and every other endpoint would wait behind
 * it. An attempt first takes one of its endpoint's `perEndpoint` slots. Past its share, an endpoint alone in
 * this process (no other endpoint with an attempt running or put off) borrows the slots nobody else uses, less
 * one share kept free for the next endpoint to come: the share is there to protect the others, and a receiver
 * alone capped at it would be limited to `perEndpoint` divided by its latency (16 attempts of 40 ms: 400 a
 * second) for no one's benefit. Once another endpoint shows up, the borrowed slots are not lent again; they
 * come back as their attempts end (a lane's run keeps its slot for at most LANE_RUN_MS). An attempt that gets
 * no slot is put off for about as long as the attempts already waiting for this endpoint should take, judged
 * from the endpoint's recent latency, so that a backlog is looked at about once rather than polled.
 * In-process only: the database claim, not this, is what keeps an attempt from running twice.
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly latencyMs = new Map<string, number>();
  /**
   * Attempts put off and not back yet, per endpoint, with when they are due back: how long the queue ahead of
   * a new one is. One that never comes back (another process ran it) is forgotten once well past due.
   */
  private readonly waiting = new Map<string, Map<string, number>>();
  /** When each endpoint's latest put-off attempt is due back: whether another endpoint is waiting here. */
  private readonly latestDue = new Map<string, number>();
  private total = 0;

  /** `perEndpoint` of `slots` (the process's WEBHOOK_CONCURRENCY); with `slots` at most `perEndpoint`, none is lent. */
  constructor(
    private readonly perEndpoint: number,
    private readonly slots = perEndpoint,
  ) {}

  /** Takes a slot for an attempt of `key` (delivery and attempt), or says how long to put it off. */
  take(endpointId: string, key: string): { taken: true } | { taken: false; waitMs: number } {
    const waiting = this.waiting.get(endpointId);
    waiting?.delete(key);
    const busy = this.inFlight.get(endpointId) ?? 0;
    const now = Date.now();
    if (this.fits(endpointId, busy, now)) {
      this.hold(endpointId);
      if (waiting?.size === 0) this.waiting.delete(endpointId);
      return { taken: true };
    }
    const queue = waiting ?? new Map<string, number>();
    if (queue.size > 0 && queue.size % 100 === 0) {
      for (const [other, due] of queue) if (due + MAX_WAIT_MS < now) queue.delete(other);
    }
    const latency = this.latencyMs.get(endpointId) ?? MIN_WAIT_MS;
    const rounds = Math.ceil((queue.size + 1) / Math.max(this.perEndpoint, busy));
    const waitMs = Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, withJitter(latency * rounds)));
    queue.set(key, now + waitMs);
    this.latestDue.set(endpointId, Math.max(this.latestDue.get(endpointId) ?? 0, now + waitMs));
    this.waiting.set(endpointId, queue);
    return { taken: false, waitMs };
  }

  /**
   * Takes a slot only if one is free now (never put off, nothing recorded): for a first attempt handed over at
   * its commit, which goes to the queue instead when this says no.
   */
  tryTake(endpointId: string): boolean {
    if (!this.fits(endpointId, this.inFlight.get(endpointId) ?? 0, Date.now())) return false;
    this.hold(endpointId);
    return true;
  }

  private fits(endpointId: string, busy: number, now: number): boolean {
    return busy < this.perEndpoint || (this.total < this.slots - this.perEndpoint && this.alone(endpointId, now));
  }

  /** Takes a slot whatever the endpoint's share: the one a run going on down its lane has just given back. */
  hold(endpointId: string): void {
    this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
    this.total += 1;
  }

  /** Gives the slot back, with how long the attempt took. */
  release(endpointId: string, latencyMs: number): void {
    const busy = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (busy <= 0) this.inFlight.delete(endpointId);
    else this.inFlight.set(endpointId, busy);
    this.total = Math.max(0, this.total - 1);
    const previous = this.latencyMs.get(endpointId);
    this.latencyMs.set(endpointId, previous === undefined ? latencyMs : previous + LATENCY_WEIGHT * (latencyMs - previous));
  }

  /**
   * Whether no other endpoint has an attempt running, or put off and not yet back (its latest due time, with a
   * second's grace for its job to come back), in this process.
   */
  private alone(endpointId: string, now: number): boolean {
    if (this.inFlight.size > (this.inFlight.has(endpointId) ? 1 : 0)) return false;
    for (const [other, due] of this.latestDue) {
      if (other === endpointId) continue;
      if (due + RETURN_GRACE_MS >= now) return false;
      this.latestDue.delete(other);
    }
    return true;
  }

  /** Attempts of this endpoint running now in this process. */
  busy(endpointId: string): number {
    return this.inFlight.get(endpointId) ?? 0;
  }
}
