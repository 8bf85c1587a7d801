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

  const keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const found = await repository.read(channelId, type, ids);
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
