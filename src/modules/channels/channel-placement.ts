import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelLeases } from '../../engine/channel-leases';
import { confirmedOrphans, dealOrphans, lastLapseOfTheGone, leastLoaded, WorkerLoad } from '../../engine/placement';
import { SessionManager } from '../../engine/session-manager';
import { ListedWorker, WorkerRegistry } from '../../engine/worker-registry';
import { forEachConcurrently } from '../../platform/async';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { WorkerCalls } from '../../engine/calls/worker-calls';
import { ChannelRow, ChannelsRepository } from './channels.repository';
import { ChannelSupervisor } from './channel-supervisor';

/** A channel placed on a worker: the lease was taken in that worker's name. */
export interface Placement {
  workerId: string;
  token: number;
}

/** The name under which a worker takes the channels placed on it (WorkerCalls). */
const PLACEMENT_TARGET = 'placement';
/**
 * Orphaned channels a worker has opening at once: each socket is waited for until ready (or closed, or
 * OPENING_WAIT_MS passed) before the next opens. Opened all at once, every login shared the process' CPU with all
 * the others: none was ready much before the last, each step of a handshake waited behind a thousand others
 * (Baileys gives each step 20 s), and the whole took longer. Also how many are taken at once.
 */
const OPENING_CONCURRENCY = 32;
const OPENING_WAIT_MS = 30_000;
/** How long after a dead worker's last lease should have lapsed the scan for its channels runs: Redis' expiry is not to the millisecond. */
const LAPSE_MARGIN_MS = 100;

/**
 * Which worker holds which channel, across the gateway's processes:
 *
 * - placement: a channel being connected goes to the least-loaded live worker with room (the registry says
 *   which are alive; the database how many channels each holds). Its lease is taken in that worker's name at
 *   once, and the worker told through its inbox (a one-way WorkerCalls request: `adopt(channelId, token)`),
 *   which it runs by claiming the channel with that lease. Placed here, the socket opens in the request;
 * - failover: every third of CHANNEL_LEASE_MS each socket-holding process looks for channels that should be
 *   connected but whose lease is gone (their worker died, or its inbox entry was never read), seen so twice in a
 *   row (so that the short gaps of a reconnect or a placement are not mistaken for a death) or once when the
 *   registry no longer lists their worker as live, and claims its share of them (see dealOrphans), reconnecting
 *   from the stored credentials. A scan that sees leases held by a worker the registry no longer lists as live
 *   has the next one run as soon as the last of them lapses, rather than up to a third of the lease later;
 * - a lease held here on a channel that no longer wants a connection (disconnected from another process)
 *   closes its socket.
 */
@Injectable()
export class ChannelPlacement implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ChannelPlacement.name);
  private timer?: NodeJS.Timeout;
  /** The scan due when the leases of a worker that stopped beating lapse. */
  private lapseTimer?: NodeJS.Timeout;
  private scanning?: Promise<void>;
  /** Channels seen without a lease by the previous scan. */
  private suspects = new Set<string>();
  private stopped = false;
  /** Cuts short the scans' waits for sockets to open. */
  private endWaits!: () => void;
  private readonly stopping = new Promise<void>((resolve) => (this.endWaits = resolve));

  constructor(
    private readonly calls: WorkerCalls,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly leases: ChannelLeases,
    private readonly registry: WorkerRegistry,
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsRepository,
    private readonly supervisor: ChannelSupervisor,
  ) {}

  /** Whether this process holds sockets (roles all and worker). */
  get holdsSockets(): boolean {
    return this.config.gatewayRole !== 'api';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.holdsSockets) return;
    // On boot every channel without a lease is this process' to share out: what the last run left connected
    // comes back without waiting for a second sighting. They are taken (lease, and row moved to `connecting`)
    // before the process serves: until then their rows still say what the last run left (`connected`), which
    // their sockets here no longer are. Their sockets open afterwards, while it serves: a restore of a thousand
    // channels takes half a minute, and a process still booting has no graceful stop (a stop signal then would
    // leave every lease it took to lapse, and the next process to wait for that).
    const taken = await this.findAndTake(true).catch((error: unknown) => {
      this.logger.error({ err: error }, 'channels not restored on boot');
      return [];
    });
    this.scanning = this.openInTurn(taken)
      .catch((error: unknown) => this.logger.error({ err: error }, 'channels not restored on boot'))
      .finally(() => (this.scanning = undefined));
    this.timer = setInterval(() => void this.scheduledScan(), Math.max(1, Math.floor(this.config.channelLeaseMs / 3)));
    this.timer.unref();
    this.calls.serve(PLACEMENT_TARGET, new Set(['adopt']), { adopt: (channelId: string, token: number) => this.adopt(channelId, token) });
  }

  /** Before the sockets end (the session manager's shutdown): no socket opens here once they have. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.endWaits();
    clearInterval(this.timer);
    clearTimeout(this.lapseTimer);
    await this.scanning;
  }

  /**
   * Chooses the worker for `channelId` and takes its lease in that worker's name. `worker_at_capacity` when
   * every live worker is full; `channel_unavailable` when another worker still holds the channel's lease.
   */
  async place(current: ChannelRow): Promise<Placement> {
    const channelId = current.id;
    const held = this.leases.heldToken(channelId);
    if (held !== undefined) return { workerId: this.sessions.workerId, token: held };
    const workers = await this.loads(current.workerId);
    const target = leastLoaded(workers);
    if (!target) {
      throw new AppError('worker_at_capacity', 'Every worker is at capacity; try again later.', {
        details: { workers: workers.length, capacity: workers.reduce((sum, worker) => sum + worker.capacity, 0) },
      });
    }
    const token = await this.leases.acquire(channelId, current.leaseToken === null ? 0 : Number(current.leaseToken), target.id);
    if (token === null) {
      const owner = await this.leases.ownerOf(channelId);
      throw new AppError('channel_unavailable', 'Another gateway worker still holds this channel’s connection; try again shortly.', {
        details: { reason: 'held_by_another_worker', worker_id: owner?.workerId ?? null },
      });
    }
    return { workerId: target.id, token };
  }

  /** Gives back a placement that did not go through (the channel's row could not be written). */
  unplace(channelId: string, placement: Placement): Promise<void> {
    return this.leases.revoke(channelId, placement.workerId, placement.token);
  }

  /** Has the placed worker open the channel: here at once, elsewhere through its inbox. */
  async start(row: ChannelRow, placement: Placement): Promise<void> {
    if (placement.workerId === this.sessions.workerId) return this.supervisor.openSession(row);
    // Unread past a few lease times, the request is dropped: the placed lease has lapsed by then, and failover
    // takes the channel anyway.
    await this.calls.tell(placement.workerId, PLACEMENT_TARGET, 'adopt', [row.id, placement.token], 4 * this.config.channelLeaseMs);
  }

  /** One failover round now, after the one under way if any (tests; the timer runs them otherwise). */
  async scanNow(): Promise<void> {
    await this.scanning;
    return this.scheduledScan();
  }

  private scheduledScan(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.scanning ??= this.findAndTake(false)
      .then((taken) => this.openInTurn(taken))
      .catch((error: unknown) => this.logger.error({ err: error }, 'channel failover scan failed'))
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /**
   * One failover round up to its takes: the orphaned channels that are this worker's share, taken (see
   * ChannelSupervisor.take), all of them before any socket opens, so that their rows say at once where they are.
   */
  private async findAndTake(boot: boolean): Promise<ChannelRow[]> {
    const wanted = await this.channels.listWantConnected();
    const wantedIds = new Set(wanted.map((row) => row.id));
    for (const channelId of this.leases.heldChannels()) {
      if (!wantedIds.has(channelId)) await this.sessions.close(channelId);
    }
    // A channel disconnected a moment ago has its reconnect queued, for whichever worker runs it; one
    // disconnected for longer than any backoff lost it.
    const lostAfter = Date.now() - (this.config.reconnect.maxDelayMs + this.config.channelLeaseMs);
    const candidates = wanted.filter(
      (row) =>
        this.leases.heldToken(row.id) === undefined && (boot || row.state !== 'disconnected' || row.stateSince.getTime() < lostAfter),
    );
    const listed = await this.registry.list();
    const live = new Set(listed.filter((worker) => !worker.stale).map((worker) => worker.id));
    const unleased = new Set(await this.leases.unleased(candidates, boot));
    const orphans = candidates.filter((row) => unleased.has(row.id));
    const confirmed = boot ? [...unleased] : confirmedOrphans(orphans, this.suspects, live);
    this.suspects = unleased;
    // Still leased, but by a worker whose heartbeat stopped: its channels are orphans once those leases lapse.
    const leasedByTheGone = candidates.filter((row) => !unleased.has(row.id) && row.workerId !== null && !live.has(row.workerId));
    await this.wakeWhenLapsed(leasedByTheGone, live);
    if (confirmed.length === 0) return [];
    const mine = dealOrphans(this.sessions.workerId, await this.loads(null, listed), confirmed.sort());
    const taken: ChannelRow[] = [];
    // Several at a time: each take waits on the database and Redis, and a dead worker's channels are all
    // orphaned at once.
    await forEachConcurrently(mine, OPENING_CONCURRENCY, async (channelId) => {
      if (this.stopped) return;
      const row = await this.supervisor.take(channelId).catch((error: unknown) => {
        this.logger.error({ err: error, channel_id: channelId }, 'orphaned channel not claimed');
        return null;
      });
      if (!row) return;
      taken.push(row);
      this.logger.log({ channel_id: channelId }, 'took over a channel whose worker is gone');
    });
    return taken;
  }

  /**
   * Opens the sockets of channels taken here, OPENING_CONCURRENCY at a time, each waited for until ready (see
   * OPENING_CONCURRENCY). One no longer held under the lease its take wrote is left alone: closed meanwhile (its
   * lease given back: disconnected, or moved), or connected again on request under a new one, which opened it.
   * Once the process is stopping, those not opened yet give their leases back, for the next process to take at
   * once.
   */
  private async openInTurn(rows: readonly ChannelRow[]): Promise<void> {
    await forEachConcurrently(rows, OPENING_CONCURRENCY, async (row) => {
      const held = this.leases.heldToken(row.id);
      if (held === undefined || row.leaseToken === null || BigInt(held) !== row.leaseToken) return;
      if (this.stopped) return this.sessions.close(row.id);
      await this.supervisor.openSession(row).catch((error: unknown) => {
        this.logger.error({ err: error, channel_id: row.id }, 'orphaned channel not opened');
      });
      await Promise.race([this.sessions.settled(row.id, OPENING_WAIT_MS), this.stopping]);
    });
  }

  /**
   * Has a scan run as soon as the leases still held on `rows` by workers not among the `live` ones lapse: the
   * moment a dead worker's channels become orphans.
   */
  private async wakeWhenLapsed(rows: readonly ChannelRow[], live: ReadonlySet<string>): Promise<void> {
    const lapseIn = lastLapseOfTheGone(await this.leases.holds(rows.map((row) => row.id)), live);
    if (lapseIn === null || this.stopped) return;
    clearTimeout(this.lapseTimer);
    this.lapseTimer = setTimeout(() => void this.scheduledScan(), lapseIn + LAPSE_MARGIN_MS);
    this.lapseTimer.unref();
  }

  /**
   * The live workers that hold sockets, each with its load: the channels the database says it holds (or the
   * sessions its heartbeat reported, if more), leaving out the channel being placed.
   */
  private async loads(excludingFrom: string | null, known?: ListedWorker[]): Promise<WorkerLoad[]> {
    const [listed, counts] = await Promise.all([known ?? this.registry.list(), this.channels.countByWorker()]);
    const loadOf = (id: string, sessions: number) => Math.max((counts.get(id) ?? 0) - (id === excludingFrom ? 1 : 0), sessions);
    const workers = listed
      .filter((worker) => !worker.stale && worker.role !== 'api' && worker.id !== this.sessions.workerId)
      .map((worker) => ({ id: worker.id, capacity: worker.capacity, load: loadOf(worker.id, worker.sessions) }));
    // This process by what it knows now rather than by its last beat (which Redis may have missed).
    if (this.holdsSockets) {
      const self = this.sessions.workerId;
      workers.push({ id: self, capacity: this.config.workerCapacity, load: loadOf(self, this.sessions.size()) });
    }
    return workers;
  }

  /** A channel placed on this worker by another process: claimed with the lease taken in this worker's name. */
  private async adopt(channelId: string, token: number): Promise<void> {
    if (this.stopped) return;
    await this.supervisor.claim(channelId, token).catch((error: unknown) => {
      this.logger.error({ err: error, channel_id: channelId }, 'placed channel not opened');
    });
  }
}
