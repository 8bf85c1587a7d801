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

/** A channel that should be connected, seen without a lease, and the worker its row last named. */
export interface Orphan {
  id: string;
  workerId: string | null;
}

/**
 * Which of the `orphans` a failover scan may take over now. Seen without a lease by the scan before too
 * (`suspects`): the gap outlasted a reconnect or a placement in progress. Or at the first sighting, when the
 * worker its row names is not among the `live` ones (its heartbeat stopped or lapsed): nobody is reconnecting it,
 * and a second look would only add a scan's wait. The lease stays the safeguard either way: a worker that was
 * only paused finds it taken and closes its socket.
 */
export function confirmedOrphans(orphans: readonly Orphan[], suspects: ReadonlySet<string>, live: ReadonlySet<string>): string[] {
  return orphans
    .filter((orphan) => suspects.has(orphan.id) || (orphan.workerId !== null && !live.has(orphan.workerId)))
    .map((orphan) => orphan.id);
}

/** A channel's lease: its holder and the milliseconds it has left. */
export interface LeaseHold {
  workerId: string;
  remainingMs: number;
}

/**
 * In how many milliseconds the last of the `leases` held by a worker not among the `live` ones lapses, or null
 * when none is: the moment their channels become orphans, for a scan to be due then rather than up to a third of
 * the lease later. A dead worker's leases were renewed together, so they lapse together.
 */
export function lastLapseOfTheGone(leases: readonly (LeaseHold | null)[], live: ReadonlySet<string>): number | null {
  let last: number | null = null;
  for (const lease of leases) {
    if (!lease || live.has(lease.workerId) || lease.remainingMs < 0) continue;
    last = Math.max(last ?? 0, lease.remainingMs);
  }
  return last;
}
