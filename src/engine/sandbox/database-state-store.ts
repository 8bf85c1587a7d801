import type { PrismaClient } from '../../platform/database';
import type { SimulatorStateStore } from '../../simulator';

/**
 * The embedded sandbox network's state in the gateway's database (table sandbox_network_state), so that test
 * channels stay linked across a restart of the gateway. One row per network, replaced whole on each save.
 */
export class DatabaseStateStore implements SimulatorStateStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly network = 'embedded',
  ) {}

  async load(): Promise<string | null> {
    const row = await this.prisma.sandboxNetworkState.findUnique({ where: { id: this.network } });
    return row?.snapshot ?? null;
  }

  async save(snapshot: string): Promise<void> {
    await this.prisma.sandboxNetworkState.upsert({
      where: { id: this.network },
      create: { id: this.network, snapshot },
      update: { snapshot },
    });
  }
}
