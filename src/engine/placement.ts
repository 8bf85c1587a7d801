/**
 * Where channels go among the gateway's workers. Pure: the callers read the loads (channels per worker from the
 * database, the live workers from the registry) and act on the answer.
 */
export interface WorkerLoad {
  id: string;
  /** Channels it holds (or was given and is opening). */
  load: number;
  capacity: number;
}

/** The least-loaded worker with room (ties to the smaller id, so every process picks alike), or null if all are full. */
export function leastLoaded(workers: readonly WorkerLoad[]): WorkerLoad | null {
  let best: WorkerLoad | null = null;
  for (const worker of workers) {
    if (worker.load >= worker.capacity) continue;
    if (!best || worker.load < best.load || (worker.load === best.load && worker.id < best.id)) best = worker;
  }
  return best;
}

/**
 * Which of the `orphans` (channel ids whose worker died) `self` should claim now: they are dealt in order, one
 * at a time, to the least-loaded worker with room, and these are the ones that fall to `self`. Every worker
 * computes the same deal from the same view, so the orphans of a dead worker spread over the living instead of
 * all going to whichever looks first, and two workers reach for different ones; the lease (SET NX) settles the
 * rare case where two views differ. Orphans beyond every worker's room are dealt to nobody.
 */
export function dealOrphans(self: string, workers: readonly WorkerLoad[], orphans: readonly string[]): string[] {
  const loads = workers.map((worker) => ({ ...worker }));
  const mine: string[] = [];
  for (const orphan of orphans) {
    const next = leastLoaded(loads);
    if (!next) break;
    next.load++;
    if (next.id === self) mine.push(orphan);
  }
  return mine;
}
