import type { Worker } from 'bullmq';
import { settlesWithin } from '../async';

interface Run {
  /** Whose work it is (a channel's send): with `perKey`, at most that many of a key hold slots at once. */
  key: string;
  work: () => Promise<unknown>;
  onFailed: (error: unknown) => void;
  /** A job waiting: told when it is dropped, so that its worker does not wait for it. */
  onDropped?: (error: Error) => void;
}

/**
 * Work started at once in the process that produced it (a send at its acceptance, a webhook's first attempt at
 * its commit) beside the jobs of a BullMQ worker, both within one concurrency. A run skips the job's add, fetch
 * and complete (three Redis round trips, and the wait behind them). Runs start only while the worker would take
 * a job itself: running, not paused or closing, and the queue found empty since it last took one, so a run
 * never overtakes a backlog. While runs hold slots the worker fetches jobs only for the others (a fetch already
 * waiting may still bring one more; a processor that must hold the bound exactly checks `overCapacity`). What a
 * run loses with its process, the queue's sweeper finds again, as it does a lost job.
 *
 * With `waiting`, a run that finds every slot taken waits in the process for one, in the order runs came, up to
 * that many: under a steady load the work then never goes through Redis at all, instead of going there as soon
 * as the slots are full. A job's slot freed goes to the runs waiting first, and a job taken while runs wait goes
 * behind them. Runs still waiting when it stops are dropped, left to the sweeper.
 *
 * With `perKey`, work of one key (a channel) holds at most that many slots at once: the rest of that key's waits,
 * in its order, while other keys' work takes the free slots. A key whose work waits on something slow (a channel's
 * sends leave one at a time) then cannot hold every slot of the process while other keys' work waits behind it.
 * Among the keys with room, the work that came first starts first.
 */
export class RunsBesideWorker {
  private jobsRunning = 0;
  /** Since the worker last found the queue empty, it has taken a job: what waits there goes first. */
  private queueHasWork = false;
  private readonly runs = new Set<Promise<void>>();
  /** Work waiting for a slot, by key, each list in the order it came; `seq` orders the keys' first ones. */
  private readonly waiting = new Map<string, Array<Run & { seq: number }>>();
  private waitingTotal = 0;
  private arrivals = 0;
  /** Slots held, by key (runs and jobs alike). */
  private readonly holding = new Map<string, number>();
  private stopping = false;

  /**
   * `worker`: read when used (a WorkerHost's worker exists only once the module is initialised). `waiting`: the
   * runs that may wait for a slot (none by default: a run then starts at once or not at all). `perKey`: the
   * slots one key's work may hold at once (all of them by default).
   */
  constructor(
    private readonly worker: () => Worker,
    private readonly concurrency: number,
    private readonly options: { waiting?: number; perKey?: number } = {},
  ) {}

  /** Whether a run of `key` may start now, or wait for a slot (`start` then takes it). */
  hasRoom(key = ''): boolean {
    const worker = this.worker();
    if (this.stopping || this.queueHasWork || worker.closing || !worker.isRunning() || worker.isPaused()) return false;
    return this.mayStartNow(key) || this.waitingTotal < (this.options.waiting ?? 0);
  }

  /**
   * Starts `work` as a run, or queues it behind the work waiting when it may not start now (every slot taken, or
   * its key's share), without waiting for it; a failure goes to `onFailed`. Call after `hasRoom`.
   */
  start(work: () => Promise<unknown>, onFailed: (error: unknown) => void, key = ''): void {
    if (this.mayStartNow(key)) this.run({ key, work, onFailed });
    else this.wait({ key, work, onFailed });
  }

  /**
   * Runs a job's work, counted among the slots. A job taken while work of its key waits, or while its key holds
   * its share, waits behind it: it came after it, and goes after it.
   */
  async job<T>(work: () => Promise<T>, key = ''): Promise<T> {
    this.queueHasWork = true;
    if (!this.keyFree(key) || this.waitsBehind(key)) {
      return new Promise<T>((resolve, reject) =>
        this.wait({ key, work: () => work().then(resolve, reject), onFailed: reject, onDropped: reject }),
      );
    }
    this.jobsRunning += 1;
    this.hold(key, 1);
    try {
      return await work();
    } finally {
      this.jobsRunning -= 1;
      this.hold(key, -1);
      this.startWaiting();
    }
  }

  /** Runs waiting for a slot. */
  get waitingCount(): number {
    return this.waitingTotal;
  }

  /** Whether the jobs and runs under way (a job counting itself) are more than the slots. */
  overCapacity(): boolean {
    return this.jobsRunning + this.runs.size > this.concurrency;
  }

  /** To call on the worker's `drained` event: the queue has nothing waiting. */
  drained(): void {
    this.queueHasWork = false;
  }

  /** No run starts any more, those waiting are dropped; waits for those under way, `maxWaitMs` at most. */
  async stop(maxWaitMs: number): Promise<void> {
    this.stopping = true;
    const dropped = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.waitingTotal = 0;
    for (const run of dropped) run.onDropped?.(new Error('Stopping before its turn came: left to the sweeper.'));
    await settlesWithin(Promise.all(this.runs), maxWaitMs);
  }

  /** Whether `stop` was called: a run's lane goes no further. */
  get stopped(): boolean {
    return this.stopping;
  }

  private slotFree(): boolean {
    return this.jobsRunning + this.runs.size < this.concurrency;
  }

  private keyFree(key: string): boolean {
    return this.options.perKey === undefined || (this.holding.get(key) ?? 0) < this.options.perKey;
  }

  /** A slot is free, the key has room, and nothing that came before must go first (`waitsBehind`). */
  private mayStartNow(key: string): boolean {
    return this.slotFree() && this.keyFree(key) && !this.waitsBehind(key);
  }

  /**
   * Whether work of `key` that came earlier is waiting and must go first: work of the same key, or (without
   * `perKey`) any work at all. Work of other keys that waits only for its own key's share does not need the slot.
   */
  private waitsBehind(key: string): boolean {
    return this.waiting.has(key) || (this.options.perKey === undefined && this.waitingTotal > 0);
  }

  private wait(run: Run): void {
    const list = this.waiting.get(run.key);
    const entry = { ...run, seq: this.arrivals++ };
    if (list) list.push(entry);
    else this.waiting.set(run.key, [entry]);
    this.waitingTotal += 1;
  }

  private hold(key: string, change: 1 | -1): void {
    const held = (this.holding.get(key) ?? 0) + change;
    if (held === 0) this.holding.delete(key);
    else this.holding.set(key, held);
  }

  private run(work: Run): void {
    this.hold(work.key, 1);
    const run: Promise<void> = work
      .work()
      .then(() => undefined, work.onFailed)
      .finally(() => {
        this.runs.delete(run);
        this.hold(work.key, -1);
        this.startWaiting();
        this.fitWorker();
      });
    this.runs.add(run);
    this.fitWorker();
  }

  /** Hands the slots free to the work waiting: among the keys with room, the one that came first. */
  private startWaiting(): void {
    while (this.waitingTotal > 0 && !this.stopping && this.slotFree()) {
      let next: string | undefined;
      let first = Infinity;
      for (const [key, list] of this.waiting) {
        if (list[0].seq < first && this.keyFree(key)) {
          first = list[0].seq;
          next = key;
        }
      }
      if (next === undefined) return;
      const list = this.waiting.get(next)!;
      const run = list.shift()!;
      if (list.length === 0) this.waiting.delete(next);
      this.waitingTotal -= 1;
      this.run(run);
    }
  }

  /** The worker's concurrency: the slots the runs leave (at least one, BullMQ's minimum). */
  private fitWorker(): void {
    this.worker().concurrency = Math.max(1, this.concurrency - this.runs.size);
  }
}
