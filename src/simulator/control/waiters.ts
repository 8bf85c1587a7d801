import type { EventEmitter } from 'events';
import type { SimulatorEventMap } from '../types';

interface Pending {
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  detach: () => void;
}

/**
 * Promises for "this will happen": checked against what already happened,
 * then against events, with a timeout that never outlives the simulator.
 */
export class Waiters {
  private readonly pending = new Set<Pending>();

  constructor(private readonly emitter: EventEmitter<SimulatorEventMap>) {}

  waitFor<K extends keyof SimulatorEventMap, T extends SimulatorEventMap[K][0]>(
    event: K,
    past: T[],
    match: (value: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const found = past.find(match);
    if (found) {
      return Promise.resolve(found);
    }
    return new Promise<T>((resolve, reject) => {
      const listener = (value: T) => {
        if (match(value)) {
          finish();
          resolve(value);
        }
      };
      const finish = () => {
        clearTimeout(entry.timer);
        entry.detach();
        this.pending.delete(entry);
      };
      const entry: Pending = {
        reject: (error) => {
          finish();
          reject(error);
        },
        timer: setTimeout(() => entry.reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}`)), timeoutMs),
        detach: () => this.emitter.off(event, listener as never),
      };
      this.pending.add(entry);
      this.emitter.on(event, listener as never);
    });
  }

  cancelAll(error: Error): void {
    for (const entry of [...this.pending]) {
      entry.reject(error);
    }
  }
}
