import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { AuthEntryWrite, AuthStateRepository } from '../auth-state/auth-state.repository';
import { KeyWritesBehind } from '../auth-state/key-writes-behind';
import { SecretBox } from '../auth-state/secret-box';
import { loadPostgresAuthState } from './postgres-auth-state';

const CHANNEL = '0190f5a4-0000-7000-8000-000000000001';
const restarting = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

/** The repository's contract over a map, failing its next calls the way a restarting PostgreSQL does. */
class FlakyAuthEntries {
  readonly rows = new Map<string, Buffer>();
  failures = 0;

  async read(_channelId: string, type: string, keyIds: string[]): Promise<Map<string, Buffer>> {
    this.failIfDown();
    return new Map(keyIds.flatMap((id) => (this.rows.has(`${type}/${id}`) ? [[id, this.rows.get(`${type}/${id}`)!]] : [])));
  }

  async write(_channelId: string, entries: AuthEntryWrite[]): Promise<void> {
    this.failIfDown();
    for (const entry of entries) {
      if (entry.value) this.rows.set(`${entry.type}/${entry.keyId}`, entry.value);
      else this.rows.delete(`${entry.type}/${entry.keyId}`);
    }
  }

  private failIfDown(): void {
    if (this.failures > 0) {
      this.failures--;
      throw restarting();
    }
  }
}

describe(loadPostgresAuthState.name, () => {
  const box = new SecretBox(randomBytes(32));
  const logger = pino({ level: 'silent' });

  async function load(entries: FlakyAuthEntries) {
    return loadPostgresAuthState(CHANNEL, entries as unknown as AuthStateRepository, box, logger);
  }

  it('waits for a database that restarts under a key read instead of failing it (a failed read fails a decryption)', async () => {
    const entries = new FlakyAuthEntries();
    const auth = await load(entries);
    await auth.state.keys.set({ session: { 'contact.0': Buffer.from('ratchet') } });
    const fresh = await load(entries);
    entries.failures = 3;
    const read = await fresh.state.keys.get('session', ['contact.0']);
    expect(Buffer.from(read['contact.0']).toString()).toBe('ratchet');
    expect(entries.failures).toBe(0);
  });

  it('waits for the database under a key write', async () => {
    const entries = new FlakyAuthEntries();
    const auth = await load(entries);
    entries.failures = 2;
    await auth.state.keys.set({ session: { 'contact.0': Buffer.from('ratchet') } });
    expect(entries.rows.has('session/contact.0')).toBe(true);
  });

  it('fails at once on an error that is not the database being unavailable', async () => {
    const entries = new FlakyAuthEntries();
    const auth = await load(entries);
    entries.read = async () => {
      throw new Error('permission denied for table channel_auth_entries');
    };
    await expect(auth.state.keys.get('session', ['contact.1'])).rejects.toThrow('permission denied');
  });

  it('once retired, lets a write in flight land and drops later ones (a logged-out device keeps no keys)', async () => {
    const entries = new FlakyAuthEntries();
    const auth = await load(entries);
    entries.failures = 1;
    const inFlight = auth.state.keys.set({ session: { 'contact.0': Buffer.from('before') } });
    await new Promise((resolve) => setTimeout(resolve, 20)); // failed once, waiting to try again
    expect(entries.failures).toBe(0);
    await auth.retire();
    await inFlight;
    expect(entries.rows.has('session/contact.0')).toBe(true);
    await auth.state.keys.set({ session: { 'contact.2': Buffer.from('after') } });
    await auth.saveCreds();
    expect([...entries.rows.keys()]).toEqual(['session/contact.0']);
  });

  describe('inside KeyWritesBehind.run', () => {
    /** The fake's writes held until the test lets them land. */
    function holdWrites(entries: FlakyAuthEntries) {
      const held: Array<() => void> = [];
      const write = entries.write.bind(entries);
      entries.write = (channelId, writes) => new Promise<void>((land) => held.push(() => void write(channelId, writes).then(land)));
      return held;
    }
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    /** The session as stored in the database: read through a fresh auth state, not the cache. */
    async function storedSession(entries: FlakyAuthEntries, id: string): Promise<string | undefined> {
      const fresh = await load(entries);
      const found = (await fresh.state.keys.get('session', [id]))[id];
      return found && Buffer.from(found).toString();
    }

    it('lets the work go on before its key writes land, and says when they have', async () => {
      const entries = new FlakyAuthEntries();
      const auth = await load(entries);
      const held = holdWrites(entries);
      const { result, written } = await KeyWritesBehind.run(async () => {
        await auth.state.keys.set({ session: { 'contact.0': Buffer.from('ratchet 1') } });
        return 'sent';
      });
      expect(result).toBe('sent');
      // Baileys' cache has the new key at once; the database does not yet.
      expect(Buffer.from((await auth.state.keys.get('session', ['contact.0']))['contact.0']).toString()).toBe('ratchet 1');
      expect(entries.rows.size).toBe(0);
      let landed = false;
      void written.then(() => (landed = true));
      await settle();
      expect(landed).toBe(false);
      held.shift()!();
      await written;
      expect(await storedSession(entries, 'contact.0')).toBe('ratchet 1');
    });

    it('lands writes in the order they were made, a later write outside the scope waiting for it', async () => {
      const entries = new FlakyAuthEntries();
      const auth = await load(entries);
      const held = holdWrites(entries);
      const { written } = await KeyWritesBehind.run(async () => auth.state.keys.set({ session: { 'contact.0': Buffer.from('older') } }));
      let newerLanded = false;
      const newer = Promise.resolve(auth.state.keys.set({ session: { 'contact.0': Buffer.from('newer') } })).then(
        () => (newerLanded = true),
      );
      await settle();
      // The newer write has not even started: one write at a time.
      expect(held).toHaveLength(1);
      held.shift()!();
      await written;
      await settle();
      expect(newerLanded).toBe(false);
      held.shift()!();
      await newer;
      expect(await storedSession(entries, 'contact.0')).toBe('newer');
    });

    it('writes what was made while a write was under way in the next statement, the last write of a key winning', async () => {
      const entries = new FlakyAuthEntries();
      const auth = await load(entries);
      const calls: number[] = [];
      const write = entries.write.bind(entries);
      entries.write = async (channelId, writes) => {
        calls.push(writes.length);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return write(channelId, writes);
      };
      const { written } = await KeyWritesBehind.run(async () => {
        for (let step = 1; step <= 5; step++) await auth.state.keys.set({ session: { 'contact.0': Buffer.from(`ratchet ${step}`) } });
        await auth.state.keys.set({ 'pre-key': { '1': null }, session: { 'contact.1': Buffer.from('other') } });
      });
      await written;
      // the first alone, the five made while it was under way together
      expect(calls).toEqual([1, 6]);
      expect(await storedSession(entries, 'contact.0')).toBe('ratchet 5');
      expect(await storedSession(entries, 'contact.1')).toBe('other');
    });

    it('reports a write that failed in `written`', async () => {
      const entries = new FlakyAuthEntries();
      const auth = await load(entries);
      entries.write = async () => {
        throw new Error('permission denied for table channel_auth_entries');
      };
      const { written } = await KeyWritesBehind.run(async () => auth.state.keys.set({ session: { 'contact.0': Buffer.from('lost') } }));
      await expect(written).rejects.toThrow('permission denied');
    });

    it('writes as anywhere else once the work has returned: a write made later in its context is awaited by its caller', async () => {
      const entries = new FlakyAuthEntries();
      const auth = await load(entries);
      const held = holdWrites(entries);
      let later!: () => Promise<void>;
      const { written } = await KeyWritesBehind.run(async () => {
        later = async () => auth.state.keys.set({ session: { 'contact.1': Buffer.from('later') } });
      });
      await written;
      let returned = false;
      const write = later().then(() => (returned = true));
      await settle();
      expect(returned).toBe(false);
      held.shift()!();
      await write;
      expect(entries.rows.has('session/contact.1')).toBe(true);
    });
  });
});
