import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { type MediaClient, WhatsAppSimulator } from '../../simulator';

/**
 * The WhatsApp network that test-mode channels connect to: the project's simulator, started in this
 * process on first use. Sandbox endpoints drive its phones and contacts.
 */
export const SANDBOX_SIMULATOR = Symbol('SANDBOX_SIMULATOR');

@Injectable()
export class SandboxNetwork implements OnApplicationShutdown {
  private readonly logger = new Logger(SandboxNetwork.name);
  private starting?: Promise<{ simulator: WhatsAppSimulator; media: MediaClient }>;
  /** The phone each channel's pair code was requested for: the one that enters the code. */
  private readonly pairingPhones = new Map<string, string>();

  /** A pair code was requested for `phone`: make sure the simulated phone exists, and remember it. */
  async preparePairing(channelId: string, phone: string): Promise<void> {
    (await this.simulator()).createPhone(phone);
    this.pairingPhones.set(channelId, phone);
  }

  pairingPhoneOf(channelId: string): string | undefined {
    return this.pairingPhones.get(channelId);
  }

  /** Given a simulator, the sandbox uses it and leaves its lifetime to the giver. */
  constructor(@Inject(SANDBOX_SIMULATOR) private readonly provided: WhatsAppSimulator | null) {}

  /** The running simulator (started now if it is not yet). */
  async simulator(): Promise<WhatsAppSimulator> {
    return (await this.ensure()).simulator;
  }

  /** What a Baileys socket needs to reach it: its URL and a media client trusting its media host only. */
  async connection(): Promise<{ url: string; media: MediaClient }> {
    const { simulator, media } = await this.ensure();
    return { url: simulator.url, media };
  }

  private ensure(): Promise<{ simulator: WhatsAppSimulator; media: MediaClient }> {
    this.starting ??= (async () => {
      if (this.provided) return { simulator: this.provided, media: this.provided.createMediaClient() };
      const simulator = new WhatsAppSimulator();
      await simulator.start();
      this.logger.log(`sandbox WhatsApp network listening on ${simulator.url}`);
      return { simulator, media: simulator.createMediaClient() };
    })();
    return this.starting;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.starting) return;
    const { simulator, media } = await this.starting;
    await media.close();
    if (simulator !== this.provided) await simulator.stop();
    this.starting = undefined;
  }
}
