import { type DeviceSnapshot, SimDevice } from '../phone/sim-device';
import { Connection } from '../transport/connection';
import { Account, AccountRegistry } from './accounts';
import { AppStateStore } from './app-state';
import { BusinessState } from './business';
import { GroupRegistry } from './groups';
import { NewsletterRegistry } from './newsletters';

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

type Tagged = { $t: string; id?: number; c?: string; v?: unknown };

export function encodeSnapshot(state: unknown): string {
  const ids = new Map<object, number>();
  const encode = (value: unknown, at = 'state'): unknown => {
    if (value === undefined) return { $t: 'undefined' };
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') return Number.isFinite(value) ? value : { $t: 'number', v: String(value) };
    if (typeof value === 'bigint') return { $t: 'bigint', v: value.toString() };
    if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(`a ${typeof value} cannot be saved (at ${at})`);
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $t: 'buffer', v: Buffer.from(value).toString('base64') };
    if (value instanceof Date) return { $t: 'date', v: value.toISOString() };
    if (value instanceof Promise) return { $t: 'settled' };
    if (value instanceof Connection) return { $t: 'undefined' };
    if (Array.isArray(value)) return value.map((v, i) => encode(v, `${at}[${i}]`));
    if (value instanceof Map) return { $t: 'map', v: [...value].map(([k, v]) => [encode(k, at), encode(v, `${at}.get(${String(k)})`)]) };
    if (value instanceof Set) return { $t: 'set', v: [...value].map((v) => encode(v, at)) };
    const seen = ids.get(value);
    if (seen !== undefined) return { $t: 'ref', id: seen };
    if (value instanceof SimDevice) {
      const id = ids.size;
      ids.set(value, id);
      return { $t: 'device', id, v: encode(value.snapshot(), at) };
    }
    const className = Object.entries(CLASSES).find(([, known]) => Object.getPrototypeOf(value) === known.prototype)?.[0];
    const own = Object.entries(value).filter(([, v]) => !(className && typeof v === 'function'));
    const fields = Object.fromEntries(own.map(([k, v]) => [k, encode(v, `${at}.${k}`)]));
    if (className) {
      const id = ids.size;
      ids.set(value, id);
      return { $t: 'class', id, c: className, v: fields };
    }
    // plain data (protobuf messages included, which encode again from their fields)
    return Object.hasOwn(fields, '$t') ? { $t: 'object', v: fields } : fields;
  };
  return JSON.stringify({ version: 1, state: encode(state) });
}

export function decodeSnapshot(text: string): unknown {
  const parsed = JSON.parse(text) as { version?: number; state?: unknown };
  if (parsed.version !== 1) throw new Error(`a simulator snapshot of version ${parsed.version} cannot be read`);
  const objects = new Map<number, unknown>();
  const fieldsOf = (value: object) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(decode);
    const tagged = value as Tagged;
    if (typeof tagged.$t !== 'string') return fieldsOf(value);
    switch (tagged.$t) {
      case 'undefined':
        return undefined;
      case 'number':
        return Number(tagged.v);
      case 'bigint':
        return BigInt(tagged.v as string);
      case 'buffer':
        return Buffer.from(tagged.v as string, 'base64');
      case 'date':
        return new Date(tagged.v as string);
      case 'settled':
        return Promise.resolve();
      case 'map':
        return new Map((tagged.v as [unknown, unknown][]).map(([k, v]) => [decode(k), decode(v)]));
      case 'set':
        return new Set((tagged.v as unknown[]).map(decode));
      case 'object':
        return fieldsOf(tagged.v as object);
      case 'ref':
        if (!objects.has(tagged.id!)) throw new Error(`a simulator snapshot refers to object ${tagged.id} before it`);
        return objects.get(tagged.id!);
      case 'device': {
        const device = SimDevice.restore(decode(tagged.v) as DeviceSnapshot);
        objects.set(tagged.id!, device);
        return device;
      }
      case 'class': {
        const known = CLASSES[tagged.c!];
        if (!known) throw new Error(`a simulator snapshot holds an unknown class ${tagged.c}`);
        const fields = fieldsOf(tagged.v as object);
        const instance = known.rebuild ? known.rebuild(fields) : (Object.create(known.prototype) as object);
        objects.set(tagged.id!, instance);
        return Object.assign(instance, fields);
      }
      default:
        throw new Error(`a simulator snapshot holds an unknown value kind ${tagged.$t}`);
    }
  };
  return decode(parsed.state);
}
