import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import { AppError } from '../../platform/errors/app-error';
import type { SimulatorStateStore } from '../../simulator';
import { WORKER_ID } from '../worker-id';

/** The one sandbox network a gateway process embeds. */
const EMBEDDED_NETWORK = 'embedded';

/** How long a writer that stopped saying it still writes keeps the state: past it, its process is taken for dead. */
export const SANDBOX_WRITER_LAPSE_MS = 30_000;

/**
 * The embedded sandbox network's state in the gateway's database (table sandbox_network_state): the
 * simulator's state store, so that test channels stay linked across a restart of the gateway. One row per
 * network, replaced whole on each save.
 *
 * One process writes it at a time. Several gateway processes on one database, each with an embedded simulator
 * (no SANDBOX_URL), would each hold a network of their own and overwrite each other's state; so the first to
 * load it becomes its writer (`writer`, renewed every third of SANDBOX_WRITER_LAPSE_MS), and another process'
 * embedded simulator does not start while that writer is alive: its sandbox routes answer why, and to share one
 * simulator through SANDBOX_URL. A stopped writer hands the state back at once; a dead one, after the lapse.
 */
@Injectable()
export class SandboxStateRepository implements SimulatorStateStore {
  private readonly logger = new Logger(SandboxStateRepository.name);
  private renewal?: NodeJS.Timeout;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(WORKER_ID) private readonly workerId: string,
  ) {}

  /** Becomes the state's writer (refused while another live process is) and reads the last snapshot saved. */
  async load(): Promise<string | null> {
    const claimed = await this.prisma.$queryRaw<{ snapshot: string | null }[]>`
      INSERT INTO sandbox_network_state (id, snapshot, writer, writer_seen_at, updated_at)
      VALUES (${EMBEDDED_NETWORK}, NULL, ${this.workerId}, now(), now())
      ON CONFLICT (id) DO UPDATE SET writer = EXCLUDED.writer, writer_seen_at = now()
       WHERE sandbox_network_state.writer IS NULL
          OR sandbox_network_state.writer = EXCLUDED.writer
          OR sandbox_network_state.writer_seen_at < now() - make_interval(secs => ${SANDBOX_WRITER_LAPSE_MS / 1000})
      RETURNING snapshot`;
    if (claimed.length === 0) {
      const row = await this.prisma.sandboxNetworkState.findUnique({ where: { id: EMBEDDED_NETWORK }, select: { writer: true } });
      throw new AppError(
        'internal_error',
        'Another gateway process on this database runs the embedded sandbox network. Gateway processes that share a ' +
          'database share one simulator: start it with `npm run simulator` and set SANDBOX_URL on every process.',
        { details: { reason: 'sandbox_network_in_use', worker_id: row?.writer ?? null } },
      );
    }
    clearInterval(this.renewal);
    this.renewal = setInterval(() => void this.renew(), Math.floor(SANDBOX_WRITER_LAPSE_MS / 3));
    this.renewal.unref();
    return claimed[0].snapshot;
  }

  async save(snapshot: string): Promise<void> {
    const saved = await this.prisma.$executeRaw`
      UPDATE sandbox_network_state SET snapshot = ${snapshot}, writer_seen_at = now(), updated_at = now()
       WHERE id = ${EMBEDDED_NETWORK} AND writer = ${this.workerId}`;
    if (saved === 0) throw new Error('the embedded sandbox network’s state is another process’ to write now: not saved');
  }

  /** Hands the state back (after the last save): another process' embedded simulator may take it at once. */
  async release(): Promise<void> {
    clearInterval(this.renewal);
    this.renewal = undefined;
    await this.prisma.sandboxNetworkState.updateMany({
      where: { id: EMBEDDED_NETWORK, writer: this.workerId },
      data: { writer: null, writerSeenAt: null },
    });
  }

  private async renew(): Promise<void> {
    try {
      await this.prisma.$executeRaw`
        UPDATE sandbox_network_state SET writer_seen_at = now() WHERE id = ${EMBEDDED_NETWORK} AND writer = ${this.workerId}`;
    } catch (error) {
      this.logger.warn({ err: error }, 'sandbox network writer not renewed; trying again');
    }
  }
}
