import type { Worker } from 'bullmq';
import { settlesWithin } from '../async';

/**
 * Work started at once in the process that produced it (a send at its acceptance, a webhook's first attempt at
 * its commit) beside the jobs of a BullMQ worker, both within one concurrency. A run skips the job's add, fetch
 * and complete (three Redis round trips, and the wait behind them). Runs start only while the worker would take
 * a job itself: running, not paused or closing, and the queue found empty since it last took one, so a run
 * never overtakes a backlog. While runs hold slots the worker fetches jobs only for the others (a fetch already
 * waiting may still bring one more; a processor that must hold the bound exactly checks `overCapacity`). What a
 * run loses with its process, the queue's sweeper finds again, as it does a lost job.
 */
export class RunsBesideWorker {
  private jobsRunning = 0;
  /** Since the worker last found the queue empty, it has taken a job: what waits there goes first. */
  private queueHasWork = false;
  private readonly runs = new Set<Promise<void>>();
  private stopping = false;

  /** `worker`: read when used (a WorkerHost's worker exists only once the module is initialised). */
  constructor(
    private readonly worker: () => Worker,
    private readonly concurrency: number,
  ) {}

  /** Whether a run may start now (it then takes one of the slots). */
  hasRoom(): boolean {
    const worker = this.worker();
    if (this.stopping || this.queueHasWork || worker.closing || !worker.isRunning() || worker.isPaused()) return false;
    return this.jobsRunning + this.runs.size < this.concurrency;
  }

  /** Starts `work` as a run, without waiting for it; a failure goes to `onFailed`. Call after `hasRoom`. */
  start(work: () => Promise<unknown>, onFailed: (error: unknown) => void): void {
    const run: Promise<void> = work()
      .then(() => undefined, onFailed)
      .finally(() => {
        this.runs.delete(run);
        this.fitWorker();
      });
    this.runs.add(run);
    this.fitWorker();
  }

  /** Runs a job's work, counted among the slots. */
  async job<T>(work: () => Promise<T>): Promise<T> {
    this.jobsRunning += 1;
    this.queueHasWork = true;
    try {
      return await work();
    } finally {
      this.jobsRunning -= 1;
    }
  }

  /** Whether the jobs and runs under way (a job counting itself) are more than the slots. */
  overCapacity(): boolean {
    return this.jobsRunning + this.runs.size > this.concurrency;
  }

  /** To call on the worker's `drained` event: the queue has nothing waiting. */
  drained(): void {
    this.queueHasWork = false;
  }

  /** No run starts any more; waits for those under way, `maxWaitMs` at most. */
  async stop(maxWaitMs: number): Promise<void> {
    this.stopping = true;
    await settlesWithin(Promise.all(this.runs), maxWaitMs);
  }

  /** Whether `stop` was called: a run's lane goes no further. */
  get stopped(): boolean {
    return this.stopping;
  }

  /** The worker's concurrency: the slots the runs leave (at least one, BullMQ's minimum). */
  private fitWorker(): void {
    this.worker().concurrency = Math.max(1, this.concurrency - this.runs.size);
  }
}
