import type { Worker } from 'bullmq';
import { settlesWithin } from '../async';

interface Run {
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
 */
export class RunsBesideWorker {
  private jobsRunning = 0;
  /** Since the worker last found the queue empty, it has taken a job: what waits there goes first. */
  private queueHasWork = false;
  private readonly runs = new Set<Promise<void>>();
  private readonly waiting: Run[] = [];
  private stopping = false;

  /**
   * `worker`: read when used (a WorkerHost's worker exists only once the module is initialised). `waiting`: the
   * runs that may wait for a slot (none by default: a run then starts at once or not at all).
   */
  constructor(
    private readonly worker: () => Worker,
    private readonly concurrency: number,
    private readonly options: { waiting?: number } = {},
  ) {}

  /** Whether a run may start now, or wait for a slot (`start` then takes it). */
  hasRoom(): boolean {
    const worker = this.worker();
    if (this.stopping || this.queueHasWork || worker.closing || !worker.isRunning() || worker.isPaused()) return false;
    return this.slotFree() || this.waiting.length < (this.options.waiting ?? 0);
  }

  /**
   * Starts `work` as a run, or queues it behind the runs waiting when every slot is taken, without waiting for
   * it; a failure goes to `onFailed`. Call after `hasRoom`.
   */
  start(work: () => Promise<unknown>, onFailed: (error: unknown) => void): void {
    if (this.waiting.length === 0 && this.slotFree()) this.run({ work, onFailed });
    else this.waiting.push({ work, onFailed });
  }

  /**
   * Runs a job's work, counted among the slots. A job taken while runs wait for a slot (queued once the waiting
   * was full) waits behind them: it came after them, and goes after them.
   */
  async job<T>(work: () => Promise<T>): Promise<T> {
    this.queueHasWork = true;
    if (this.waiting.length > 0) {
      return new Promise<T>((resolve, reject) =>
        this.waiting.push({ work: () => work().then(resolve, reject), onFailed: reject, onDropped: reject }),
      );
    }
    this.jobsRunning += 1;
    try {
      return await work();
    } finally {
      this.jobsRunning -= 1;
      this.startWaiting();
    }
  }

  /** Runs waiting for a slot. */
  get waitingCount(): number {
    return this.waiting.length;
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
    const dropped = this.waiting.splice(0);
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

  private run({ work, onFailed }: Run): void {
    const run: Promise<void> = work()
      .then(() => undefined, onFailed)
      .finally(() => {
        this.runs.delete(run);
        this.startWaiting();
        this.fitWorker();
      });
    this.runs.add(run);
    this.fitWorker();
  }

  /** Hands the slots free to the runs waiting, first come first. */
  private startWaiting(): void {
    while (this.waiting.length > 0 && !this.stopping && this.slotFree()) this.run(this.waiting.shift()!);
  }

  /** The worker's concurrency: the slots the runs leave (at least one, BullMQ's minimum). */
  private fitWorker(): void {
    this.worker().concurrency = Math.max(1, this.concurrency - this.runs.size);
  }
}
