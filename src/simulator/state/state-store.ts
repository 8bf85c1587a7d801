import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a simulator keeps its state between runs (see WhatsAppSimulator's `stateStore`): the snapshot it
 * loads when it starts, and each one it saves after changes and when it stops. Snapshots are JSON text.
 */
export interface SimulatorStateStore {
  /** The last snapshot saved, or null when there is none yet. */
  load(): Promise<string | null>;
  save(snapshot: string): Promise<void>;
}

/** A snapshot in a file, replaced whole on each save (written beside it, then renamed over it). */
export class FileStateStore implements SimulatorStateStore {
  constructor(private readonly file: string) {}

  async load(): Promise<string | null> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async save(snapshot: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const partial = `${this.file}.${process.pid}.tmp`;
    await writeFile(partial, snapshot, { mode: 0o600 });
    await rename(partial, this.file);
  }
}
