import type { SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';

/** The store's contents by key type and id: what a simulator snapshot keeps of a device's Signal state. */
export type KeyStoreContents = Record<string, Record<string, unknown>>;

export interface MemoryKeyStore extends SignalKeyStore {
  contents(): KeyStoreContents;
  load(contents: KeyStoreContents): void;
}

/** A Signal key store held in memory, for the devices the simulator plays itself. */
export function makeMemoryKeyStore(): MemoryKeyStore {
  const data = new Map<string, Map<string, unknown>>();
  return {
    contents() {
      return Object.fromEntries([...data].map(([type, bucket]) => [type, Object.fromEntries(bucket)]));
    },
    load(contents: KeyStoreContents) {
      data.clear();
      for (const [type, entries] of Object.entries(contents)) data.set(type, new Map(Object.entries(entries)));
    },
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const bucket = data.get(type);
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = bucket?.get(id);
        if (value !== undefined) {
          result[id] = value as SignalDataTypeMap[T];
        }
      }
      return result;
    },
    set(set: SignalDataSet) {
      for (const [type, entries] of Object.entries(set)) {
        let bucket = data.get(type);
        if (!bucket) {
          bucket = new Map();
          data.set(type, bucket);
        }
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) {
            bucket.delete(id);
          } else {
            bucket.set(id, value);
          }
        }
      }
    },
    clear() {
      data.clear();
    },
  };
}
