import {
  AuthenticationCreds,
  AuthenticationState,
  BufferJSON,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { Batcher } from '../../platform/batcher';
import { whileDatabaseUnavailable } from '../../platform/database';
import { AuthEntryWrite, AuthStateRepository } from '../auth-state/auth-state.repository';
import { KeyWritesBehind } from '../auth-state/key-writes-behind';
import { SecretBox } from '../auth-state/secret-box';

const CREDS = { type: 'creds', keyId: '' };

function associatedData(channelId: string, type: string, keyId: string): string {
  return `${channelId}/${type}/${keyId}`;
}

/** Key-store transactions written in one statement at most. */
const WRITE_BATCH = 100;

/** Missing keys remembered per socket, at most; past it the memory starts over. */
const MAX_ABSENT = 20_000;

/**
 * How long a key read or write waits for an unreachable database (a restart, a failover) before it fails.
 * A failed read in the middle of a decryption fails the message: Baileys asks the sender for it again a few
 * times, at once, and then WhatsApp considers it delivered; a message lost for a database restart.
 */
const DATABASE_WAIT_MS = 60_000;

export interface PostgresAuthState {
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
  /**
   * For a device that was unlinked: writes still in flight finish, later ones are dropped. Baileys goes on
   * handling what it had already read after the socket closed (a message's keys, a creds update), and such a
   * write landing after the wipe would leave credentials of a logged-out device behind.
   */
  retire: () => Promise<void>;
}

/**
 * Baileys' auth state (creds and every Signal key, including lid mappings) persisted in PostgreSQL,
 * each value encrypted, behind Baileys' own caching key store. Never the multi-file store.
 */
export async function loadPostgresAuthState(
  channelId: string,
  repository: AuthStateRepository,
  box: SecretBox,
  logger: Logger,
): Promise<PostgresAuthState> {
  const decode = (type: string, keyId: string, sealed: Buffer): unknown =>
    JSON.parse(box.open(sealed, associatedData(channelId, type, keyId)).toString('utf8'), BufferJSON.reviver);
  const encode = (type: string, keyId: string, value: unknown): Buffer =>
    box.seal(Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8'), associatedData(channelId, type, keyId));

  const waitingForDatabase = <T>(work: () => Promise<T>) =>
    whileDatabaseUnavailable(work, {
      maxWaitMs: DATABASE_WAIT_MS,
      onWait: (error, attempt) => {
        if (attempt === 1) logger.warn({ err: error, channel_id: channelId }, 'database unavailable; auth state access waits');
      },
    });
  let retired = false;
  const inFlight = new Set<Promise<void>>();
  // One statement at a time, in the order the writes were made: a write that lands behind its send
  // (KeyWritesBehind) must not be overtaken by a later write of the same key. Writes made while one is under way
  // go together in the next, the last write of a key winning: a channel sending to one contact advances the
  // same session with every message, and writes it once per statement rather than once per message.
  const statements = new Batcher<AuthEntryWrite[], void>(
    async (batch) => {
      await waitingForDatabase(() => repository.write(channelId, batch.flat()));
      return batch.map(() => undefined);
    },
    { maxSize: WRITE_BATCH },
  );
  const write = (entries: AuthEntryWrite[]): Promise<void> => {
    if (retired) return Promise.resolve();
    const pending = statements.submit(entries);
    inFlight.add(pending);
    const forget = () => inFlight.delete(pending);
    pending.then(forget, forget);
    return KeyWritesBehind.tryDefer(pending) ? Promise.resolve() : pending;
  };

  const stored = await repository.read(channelId, CREDS.type, [CREDS.keyId]);
  const sealedCreds = stored.get(CREDS.keyId);
  let creds: AuthenticationCreds;
  try {
    creds = sealedCreds ? (decode(CREDS.type, CREDS.keyId, sealedCreds) as AuthenticationCreds) : initAuthCreds();
  } catch {
    throw new Error('the stored credentials do not decrypt with SESSION_ENCRYPTION_KEY (was the key changed?)');
  }

  // Keys known to be missing. Baileys' caching store only remembers what it found, and some lookups miss on
  // every message (trusted-contact tokens of contacts that never sent one): without this, each send paid
  // database round trips for nothing. Only this socket writes the channel's keys, so its writes keep it true.
  const absent = new Set<string>();
  const slot = (type: string, id: string) => `${type}\u0000${id}`;
  const keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const unknown = ids.filter((id) => !absent.has(slot(type, id)));
      const found =
        unknown.length > 0 ? await waitingForDatabase(() => repository.read(channelId, type, unknown)) : new Map<string, Buffer>();
      if (absent.size > MAX_ABSENT) absent.clear();
      for (const id of unknown) if (!found.has(id)) absent.add(slot(type, id));
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, sealed] of found) {
        let value = decode(type, id, sealed);
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value);
        }
        result[id] = value as SignalDataTypeMap[T];
      }
      return result;
    },
    set: async (data: SignalDataSet) => {
      const writes: AuthEntryWrite[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          writes.push({ type, keyId: id, value: value === null || value === undefined ? null : encode(type, id, value) });
          absent.delete(slot(type, id));
        }
      }
      await write(writes);
    },
  };

  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, logger) },
    saveCreds: () => write([{ ...CREDS, value: encode(CREDS.type, CREDS.keyId, creds) }]),
    retire: async () => {
      retired = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
