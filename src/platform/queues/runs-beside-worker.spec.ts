import type { Worker } from 'bullmq';
import { RunsBesideWorker } from './runs-beside-worker';

/** The state of a worker that RunsBesideWorker reads and sets, as a plain object. */
function workerState() {
  const state = { running: true, paused: false, closing: undefined as Promise<void> | undefined, concurrency: 3 };
  const worker = {
    get closing() {
      return state.closing;
    },
    isRunning: () => state.running,
    isPaused: () => state.paused,
    get concurrency() {
      return state.concurrency;
    },
    set concurrency(value: number) {
      state.concurrency = value;
    },
  } as unknown as Worker;
  return { state, worker };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const ignore = () => undefined;

describe('RunsBesideWorker', () => {
  it('starts runs only while the worker would take a job itself', () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    expect(runs.hasRoom()).toBe(true);
    state.paused = true;
    expect(runs.hasRoom()).toBe(false);
    state.paused = false;
    state.running = false;
    expect(runs.hasRoom()).toBe(false);
    state.running = true;
    state.closing = Promise.resolve();
    expect(runs.hasRoom()).toBe(false);
  });

  it('starts none once the worker took a job, until it finds the queue empty', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    await runs.job(() => Promise.resolve());
    expect(runs.hasRoom()).toBe(false);
    runs.drained();
    expect(runs.hasRoom()).toBe(true);
  });

  it('shares the slots between runs and jobs, and leaves the worker only the slots runs do not hold', async () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    const first = deferred();
    const second = deferred();
    runs.start(() => first.promise, ignore);
    runs.start(() => second.promise, ignore);
    expect(state.concurrency).toBe(1);
    expect(runs.hasRoom()).toBe(true);
    const job = deferred();
    const jobDone = runs.job(() => job.promise);
    runs.drained();
    // two runs and a job: the three slots are taken
    expect(runs.hasRoom()).toBe(false);
    expect(runs.overCapacity()).toBe(false);
    const extra = runs.job(() => Promise.resolve('ran'));
    expect(runs.overCapacity()).toBe(true);
    await extra;
    first.resolve();
    second.resolve();
    job.resolve();
    await jobDone;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.concurrency).toBe(3);
    runs.drained();
    expect(runs.hasRoom()).toBe(true);
  });

  it('hands a run that fails to its callback, and gives its slot back', async () => {
    const { state, worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 1);
    const failed: unknown[] = [];
    runs.start(
      () => Promise.reject(new Error('boom')),
      (error) => failed.push(error),
    );
    expect(runs.hasRoom()).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failed).toEqual([new Error('boom')]);
    expect(runs.hasRoom()).toBe(true);
    expect(state.concurrency).toBe(1);
  });

  it('waits for the runs under way when it stops, and starts none after', async () => {
    const { worker } = workerState();
    const runs = new RunsBesideWorker(() => worker, 3);
    const run = deferred();
    let finished = false;
    runs.start(() => run.promise.then(() => (finished = true)), ignore);
    const stopped = runs.stop(5_000);
    expect(runs.stopped).toBe(true);
    expect(runs.hasRoom()).toBe(false);
    run.resolve();
    await stopped;
    expect(finished).toBe(true);
  });
});
