import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '../../platform/database';
import { PRISMA } from '../../platform/database/database.module';
import type { SimulatorStateStore } from '../../simulator';

/** The one sandbox network a gateway process embeds. */
const EMBEDDED_NETWORK = 'embedded';

/**
 * The embedded sandbox network's state in the gateway's database (table sandbox_network_state): the
 * simulator's state store, so that test channels stay linked across a restart of the gateway. One row per
 * network, replaced whole on each save.
 */
@Injectable()
export class SandboxStateRepository implements SimulatorStateStore {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async load(): Promise<string | null> {
    const row = await this.prisma.sandboxNetworkState.findUnique({ where: { id: EMBEDDED_NETWORK } });
    return row?.snapshot ?? null;
  }

  async save(snapshot: string): Promise<void> {
    await this.prisma.sandboxNetworkState.upsert({
      where: { id: EMBEDDED_NETWORK },
      create: { id: EMBEDDED_NETWORK, snapshot },
      update: { snapshot },
    });
  }
}
