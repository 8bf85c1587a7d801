import { WhatsAppSimulator } from '../../src/simulator';
import type { AppConfig } from '../../src/platform/config/app-config';
import { ChannelClient, ChannelHome, TestChannel } from './channels';
import { createTestDatabase, TestDatabase } from './database';
import { TestGateway } from './gateway';
import { newPhone } from './phones';

export type ConfigOverrides = Partial<AppConfig>;

export interface NewChannel {
  /** Connected to a phone of the simulator (by the sandbox scan), or only created. */
  paired?: boolean;
  /** The owner's plan; 'unlimited' by default, so that limits stay out of the way of what is tested. */
  plan?: string;
  /** An existing key to create the channel with, instead of a new account. */
  account?: { key: string; customerId: string };
  name?: string;
  /** The paired phone's number; a fresh one by default. */
  phone?: string;
}

/**
 * One integration test file's world: its own database, a WhatsApp simulator, and a gateway on both; with
 * factories for what a test needs (accounts, channels, paired or not). The simulator outlives a gateway
 * restart, so paired phones and their sandbox network survive it.
 */
export class TestContext implements ChannelHome {
  db!: TestDatabase;
  simulator!: WhatsAppSimulator;
  gw!: TestGateway;
  /** Requests the gateway sent that the simulator does not model: the file fails on any (see stop). */
  private readonly unhandled: string[] = [];

  async start(overrides: ConfigOverrides = {}): Promise<this> {
    this.db = await createTestDatabase();
    this.simulator = new WhatsAppSimulator();
    this.simulator.on('unhandled', ({ request }) => this.unhandled.push(request));
    await this.simulator.start();
    this.gw = await TestGateway.start(this.db.prisma, overrides, undefined, { sandboxSimulator: this.simulator });
    return this;
  }

  /** Closes the gateway and starts another on the same database, simulator and secrets. */
  async restart(overrides: ConfigOverrides = {}, redisUrl?: string): Promise<void> {
    const secrets = this.gw.config.secrets;
    await this.gw.close();
    this.gw = await TestGateway.start(this.db.prisma, { secrets, ...overrides }, redisUrl, { sandboxSimulator: this.simulator });
  }

  async stop(): Promise<void> {
    await this.gw?.close();
    await this.simulator?.stop();
    await this.db?.drop();
    if (this.unhandled.length > 0) throw new Error(`the simulator was sent requests it does not model: ${this.unhandled.join('; ')}`);
  }

  get http() {
    return this.gw.http;
  }

  get prisma() {
    return this.db.prisma;
  }

  get config(): AppConfig {
    return this.gw.config;
  }

  /** A customer with one test key, on the default plan unless one is named. */
  newAccount(input: { plan?: string } = {}) {
    return this.gw.newAccount(input);
  }

  /** A channel of a new account (or of `account`), paired with a fresh simulated phone when asked. */
  async newChannel(options: NewChannel = {}): Promise<TestChannel> {
    const account = options.account ?? (await this.newAccount({ plan: options.plan ?? 'unlimited' }));
    const client = new ChannelClient(this.gw, account.key);
    const name = options.name ?? 'main';
    // The channel reaches the gateway through this context, so it keeps working across a restart.
    if (!options.paired) return new TestChannel(this, account.key, account.customerId, await client.create(name), '');
    const { id, phone } = await client.paired(name, options.phone ?? newPhone());
    return new TestChannel(this, account.key, account.customerId, id, phone);
  }
}

/**
 * The test context of a file: started before its tests (with these configuration overrides, or those the
 * function gives when it runs then) and stopped after them.
 *
 *   const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
 *   it('…', async () => { const channel = await ctx.newChannel({ paired: true }); … });
 */
export function useTestContext(overrides: ConfigOverrides | (() => ConfigOverrides) = {}): TestContext {
  const context = new TestContext();
  beforeAll(() => context.start(typeof overrides === 'function' ? overrides() : overrides));
  afterAll(() => context.stop());
  return context;
}
