import { type DeviceSnapshot, SimDevice } from '../phone/sim-device';
import { Connection } from '../transport/connection';
import { Account, AccountRegistry } from './accounts';
import { AppStateStore } from './app-state';
import { BusinessState } from './business';
import { GroupRegistry } from './groups';
import { NewsletterRegistry } from './newsletters';
import { encodeFields, NOT_MINE, type Tagged, taggedDecoder, taggedEncoder } from '../tagged-values';

/**
 * The simulator's state as JSON text, and back: the object graph of its registries (accounts, their devices,
 * keys and Signal sessions, groups, newsletters, app state, business data), with what JSON cannot say tagged
 * `{ $t: kind, … }`. Instances of the state classes are rebuilt with their class; an object reached twice (an
 * account in the registry by number and by LID) is written once and referenced after. What belongs to a
 * running process is left out: open connections come back as none, pending work as settled promises.
 */

/**
 * State classes, rebuilt with their fields as they were: on their prototype, or by their constructor where an
 * instance holds functions of its own (which are not saved).
 */
const CLASSES: Record<string, { prototype: object; rebuild?: (fields: Record<string, unknown>) => object }> = {
  Account: { prototype: Account.prototype },
  AccountRegistry: { prototype: AccountRegistry.prototype },
  AppStateStore: {
    prototype: AppStateStore.prototype,
    rebuild: (fields) => new AppStateStore(fields.key as ConstructorParameters<typeof AppStateStore>[0]),
  },
  BusinessState: { prototype: BusinessState.prototype },
  GroupRegistry: { prototype: GroupRegistry.prototype },
  NewsletterRegistry: { prototype: NewsletterRegistry.prototype },
};

export function encodeSnapshot(state: unknown): string {
  const ids = new Map<object, number>();
  const encode = taggedEncoder({
    purpose: 'be saved',
    unknownKind: 'a simulator snapshot holds an unknown value kind',
    encode: (value, at, encodeValue) => {
      if (value instanceof Promise) return { $t: 'settled' };
      if (value instanceof Connection) return { $t: 'undefined' };
      const seen = ids.get(value);
      if (seen !== undefined) return { $t: 'ref', id: seen };
      if (value instanceof SimDevice) {
        const id = ids.size;
        ids.set(value, id);
        return { $t: 'device', id, v: encodeValue(value.snapshot(), at) };
      }
      const className = Object.entries(CLASSES).find(([, known]) => Object.getPrototypeOf(value) === known.prototype)?.[0];
      if (!className) return NOT_MINE; // plain data (protobuf messages included, which encode again from their fields)
      const id = ids.size;
      ids.set(value, id);
      const own = Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v !== 'function'));
      return { $t: 'class', id, c: className, v: encodeFields(own, at, encodeValue) };
    },
  });
  return JSON.stringify({ version: 1, state: encode(state, 'state') });
}

export function decodeSnapshot(text: string): unknown {
  const parsed = JSON.parse(text) as { version?: number; state?: unknown };
  if (parsed.version !== 1) throw new Error(`a simulator snapshot of version ${parsed.version} cannot be read`);
  const objects = new Map<number, unknown>();
  const decode = taggedDecoder({
    purpose: 'be saved',
    unknownKind: 'a simulator snapshot holds an unknown value kind',
    decode: (tagged: Tagged, decodeValue) => {
      switch (tagged.$t) {
        case 'settled':
          return Promise.resolve();
        case 'ref':
          if (!objects.has(tagged.id!)) throw new Error(`a simulator snapshot refers to object ${tagged.id} before it`);
          return objects.get(tagged.id!);
        case 'device': {
          const device = SimDevice.restore(decodeValue(tagged.v) as DeviceSnapshot);
          objects.set(tagged.id!, device);
          return device;
        }
        case 'class': {
          const known = CLASSES[tagged.c!];
          if (!known) throw new Error(`a simulator snapshot holds an unknown class ${tagged.c}`);
          const fields = decodeValue({ $t: 'object', v: tagged.v }) as Record<string, unknown>;
          const instance = known.rebuild ? known.rebuild(fields) : (Object.create(known.prototype) as object);
          objects.set(tagged.id!, instance);
          return Object.assign(instance, fields);
        }
        default:
          return NOT_MINE;
      }
    },
  });
  return decode(parsed.state);
}
