import { TestEnvironment } from 'jest-environment-node';
import type { Circus } from '@jest/types';
import { ABANDONED_BAILEYS_QUERY } from '../../src/engine/baileys/stray-rejections';
import { ABANDONED_REDIS_COMMAND } from '../../src/platform/redis/abandoned-commands';
import { strayRejection } from '../../src/platform/stray-rejections';

/**
 * The Node test environment plus the gateway's own guard against stray rejections (platform/stray-rejections.ts).
 * In production the session manager and the Redis module install that guard on the process; inside Jest the code under test only sees the
 * sandbox's process object, so the guard is installed here, on the worker's real process, once Jest has put
 * its own listeners in place. Jest records the rejection, then sees it handled and forgets it — exactly the
 * rejections the gateway drops, no others.
 */
export default class GatewayTestEnvironment extends TestEnvironment {
  private installed = false;

  handleTestEvent(event: Circus.Event): void {
    if (this.installed || event.name !== 'run_start') return;
    this.installed = true;
    process.on('unhandledRejection', (reason, promise) => {
      if (strayRejection(reason, [ABANDONED_BAILEYS_QUERY, ABANDONED_REDIS_COMMAND])) promise.catch(() => undefined);
    });
  }
}
