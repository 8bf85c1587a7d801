import { Inject, Injectable, Logger } from '@nestjs/common';
import { fetchLatestWaWebVersion, type WAVersion } from '@whiskeysockets/baileys';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';

const LATEST_LOOKUP_TIMEOUT_MS = 5_000;

/**
 * The WhatsApp Web version live sockets announce (WA_VERSION). `latest` asks WhatsApp once, at start-up, and
 * keeps the engine's own version when the answer does not come (no network, a changed page): a gateway that
 * cannot reach web.whatsapp.com must still start. Sandbox sockets announce the same version as live ones.
 */
@Injectable()
export class WaVersion {
  private readonly logger = new Logger(WaVersion.name);
  private resolved?: Promise<WAVersion | undefined>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    if (this.config.waVersion === 'latest') void this.forSockets();
  }

  /** The version to pass to Baileys, or undefined for its own. */
  forSockets(): Promise<WAVersion | undefined> {
    this.resolved ??= this.resolve();
    return this.resolved;
  }

  private async resolve(): Promise<WAVersion | undefined> {
    const setting = this.config.waVersion;
    if (setting === 'default') return undefined;
    if (setting !== 'latest') return setting;
    const latest = await this.askWhatsApp();
    if (!latest.isLatest) {
      this.logger.warn(
        { err: latest.error, version: latest.version.join('.') },
        'WA_VERSION=latest: WhatsApp did not say its current version; using the engine default',
      );
      return undefined;
    }
    this.logger.log(`WA_VERSION=latest: announcing ${latest.version.join('.')}`);
    return latest.version;
  }

  /** WhatsApp Web's current version, from its service worker (what Baileys' helper reads). */
  protected askWhatsApp(): ReturnType<typeof fetchLatestWaWebVersion> {
    return fetchLatestWaWebVersion({ signal: AbortSignal.timeout(LATEST_LOOKUP_TIMEOUT_MS) });
  }
}
