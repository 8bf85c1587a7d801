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
import { AuthEntryWrite, AuthStateRepository } from '../auth-state/auth-state.repository';
import { SecretBox } from '../auth-state/secret-box';

const CREDS = { type: 'creds', keyId: '' };

function associatedData(channelId: string, type: string, keyId: string): string {
  return `${channelId}/${type}/${keyId}`;
}

/** Missing keys remembered per socket, at most; past it the memory starts over. */
const MAX_ABSENT = 20_000;

/**
 * Baileys' auth state (creds and every Signal key, including lid mappings) persisted in PostgreSQL,
 * each value encrypted, behind Baileys' own caching key store. Never the multi-file store.
 */
export async function loadPostgresAuthState(
  channelId: string,
  repository: AuthStateRepository,
  box: SecretBox,
  logger: Logger,
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void> }> {
  const decode = (type: string, keyId: string, sealed: Buffer): unknown =>
    JSON.parse(box.open(sealed, associatedData(channelId, type, keyId)).toString('utf8'), BufferJSON.reviver);
  const encode = (type: string, keyId: string, value: unknown): Buffer =>
    box.seal(Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8'), associatedData(channelId, type, keyId));

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
      const found = unknown.length > 0 ? await repository.read(channelId, type, unknown) : new Map<string, Buffer>();
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
      await repository.write(channelId, writes);
    },
  };

  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, logger) },
    saveCreds: () => repository.write(channelId, [{ ...CREDS, value: encode(CREDS.type, CREDS.keyId, creds) }]),
  };
}
