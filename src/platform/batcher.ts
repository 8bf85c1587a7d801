/**
 * Group commit for a write done once per item at a high rate: items handed in while a batch is running wait
 * and go together in the next one. When idle an item goes at once, so it waits for nothing; under load a
 * batch carries everything that came during the one before, so the number of round trips follows the time a
 * batch takes rather than the rate of items. A write to PostgreSQL costs the process far more in the socket
 * write and the driver than in its SQL (bench/results/round-trips.md): one statement for ten rows costs little
 * more than one for one.
 */
export interface BatcherOptions {
  /** At most this many items in one batch; the rest wait for the next. */
  maxSize: number;
  /**
   * Batches written at once (1 when not given). Above one, items go at once until that many writes are under
   * way, and only then wait: batching where a write at a time would make every item wait for the one before.
   */
  concurrency?: number;
  /**
   * Whether a batch of several items that failed with `error` is run again one item at a time, so that one
   * item the write refuses fails alone rather than its whole batch. Not for failures every item would meet
   * again (an unreachable database): those fail the batch at once.
   */
  isolate?: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/** `write` takes the items of a batch and gives back one output per item, in their order. */
export class Batcher<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  /** Writers under way; each leaves (synchronously with its last look at `waiting`) when nothing waits. */
  private writers = 0;
  private whenIdle: Array<() => void> = [];

  constructor(
    private readonly write: (inputs: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.writers < (this.options.concurrency ?? 1)) void this.drain();
    });
  }

  /** Resolves once every item handed in so far is written (or failed): for a shutdown, or a test. */
  drained(): Promise<void> {
    if (this.writers === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  /** One writer: batch after batch while items wait. */
  private async drain(): Promise<void> {
    this.writers += 1;
    try {
      while (this.waiting.length > 0) await this.runBatch(this.waiting.splice(0, this.options.maxSize));
    } finally {
      this.writers -= 1;
      if (this.writers === 0) for (const resolve of this.whenIdle.splice(0)) resolve();
    }
  }

  private async runBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const outputs = await this.writeAll(batch.map((item) => item.input));
      batch.forEach((item, index) => item.resolve(outputs[index]));
    } catch (error) {
      if (batch.length > 1 && this.options.isolate?.(error)) {
        for (const item of batch) await this.runBatch([item]);
      } else {
        for (const item of batch) item.reject(error);
      }
    }
  }

  private async writeAll(inputs: I[]): Promise<O[]> {
    const outputs = await this.write(inputs);
    if (outputs.length !== inputs.length) throw new Error(`a batch of ${inputs.length} gave back ${outputs.length} results`);
    return outputs;
  }
}
