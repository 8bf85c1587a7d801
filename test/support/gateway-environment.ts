import { TestEnvironment } from 'jest-environment-node';
import type { Circus } from '@jest/types';
import { isStrayBaileysRejection } from '../../src/engine/baileys/stray-rejections';

/**
 * The Node test environment plus the gateway's own guard against Baileys' stray rejections. In production
 * the session manager installs that guard on the process; inside Jest the code under test only sees the
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
      if (isStrayBaileysRejection(reason)) promise.catch(() => undefined);
    });
  }
}
