import {
  Curve,
  type SignalKeyStoreWithTransaction,
  type SignalRepository,
  encodeWAMessage,
  initAuthCreds,
  jidEncode,
  proto,
  unpadRandomMax16,
} from '@whiskeysockets/baileys';
import { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal';
import pino from 'pino';
import { type KeyStoreContents, makeMemoryKeyStore } from '../state/memory-key-store';

const silent = pino({ level: 'silent' });

/** Public keys a client fetches to open a Signal session with a device. */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

export type EncType = 'pkmsg' | 'msg';

export interface DeviceSnapshot {
  user: string;
  device: number;
  creds: ReturnType<typeof initAuthCreds>;
  keys: KeyStoreContents;
  nextPreKeyId: number;
}

/**
 * A Signal endpoint the simulator plays itself (a phone, a contact's phone):
 * it holds private keys so it can encrypt to and decrypt from real clients.
 * Operations are serialised because libsignal sessions are read-modify-write.
 */
export class SimDevice {
  readonly jid: string;
  readonly creds = initAuthCreds();
  private readonly store = makeMemoryKeyStore();
  /** The writes of the key-store transaction under way, kept apart until it succeeds. */
  private pending?: Record<string, Record<string, unknown>>;
  /**
   * Baileys 7's Signal repository runs its reads and writes in key-store transactions: a failed decryption
   * leaves no trace. Baileys' own transactions each keep an AsyncLocalStorage, which on Node 20 every promise of
   * the process then pays for, per device; a device runs one operation at a time (see serial), so a field
   * holding the transaction's writes does the same work.
   */
  private readonly keys: SignalKeyStoreWithTransaction = {
    get: async (type, ids) => {
      const stored = await this.store.get(type, ids);
      const written = this.pending?.[type];
      if (!written) return stored;
      const merged: Record<string, unknown> = { ...stored };
      for (const id of ids) {
        if (!(id in written)) continue;
        if (written[id] === null || written[id] === undefined) delete merged[id];
        else merged[id] = written[id];
      }
      return merged as typeof stored;
    },
    set: async (data) => {
      if (!this.pending) return this.store.set(data);
      for (const [type, entries] of Object.entries(data)) this.pending[type] = { ...this.pending[type], ...entries };
    },
    isInTransaction: () => this.pending !== undefined,
    transaction: async (work) => {
      if (this.pending) return work();
      this.pending = {};
      try {
        const result = await work();
        const writes = this.pending;
        this.pending = undefined;
        await this.store.set(writes);
        return result;
      } finally {
        this.pending = undefined;
      }
    },
  };
  private readonly repository: SignalRepository;
  private nextPreKeyId = 1;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly user: string,
    readonly device = 0,
  ) {
    this.jid = jidEncode(user, 's.whatsapp.net', device || undefined);
    this.repository = makeLibSignalRepository({ creds: this.creds, keys: this.keys }, silent);
  }

  /** What a snapshot keeps of the device: its credentials, its Signal sessions and keys, its next pre-key id. */
  snapshot(): DeviceSnapshot {
    return { user: this.user, device: this.device, creds: this.creds, keys: this.store.contents(), nextPreKeyId: this.nextPreKeyId };
  }

  /** The device a snapshot kept, with the same identity and the sessions it had open. */
  static restore(saved: DeviceSnapshot): SimDevice {
    const device = new SimDevice(saved.user, saved.device);
    // the Signal repository holds this very creds object: fill it rather than replace it
    Object.assign(device.creds, saved.creds);
    device.store.load(saved.keys);
    device.nextPreKeyId = saved.nextPreKeyId;
    return device;
  }

  get identityKey(): { public: Buffer; private: Buffer } {
    return this.creds.signedIdentityKey as { public: Buffer; private: Buffer };
  }

  /** A bundle with a fresh one-time pre-key, as the server hands out once per request. */
  async takeBundle(): Promise<PreKeyBundle> {
    const keyId = this.nextPreKeyId++;
    const pair = Curve.generateKeyPair();
    // outside any operation (serial): straight to the store, never into another operation's transaction
    await this.store.set({ 'pre-key': { [keyId]: pair } });
    const signed = this.creds.signedPreKey;
    return {
      registrationId: this.creds.registrationId,
      identityKey: Buffer.from(this.identityKey.public),
      signedPreKey: {
        keyId: signed.keyId,
        publicKey: Buffer.from(signed.keyPair.public),
        signature: Buffer.from(signed.signature),
      },
      preKey: { keyId, publicKey: Buffer.from(pair.public) },
    };
  }

  /**
   * Encrypts for a device, first opening a session from its bundle when there
   * is none; one serial step so two concurrent sends cannot open two sessions.
   */
  encryptFor(jid: string, message: proto.IMessage, bundle: () => PreKeyBundle): Promise<{ type: EncType; ciphertext: Buffer }> {
    return this.serial(async () => {
      const address = this.repository.jidToSignalProtocolAddress(jid);
      const existing = await this.keys.get('session', [address]);
      if (!existing[address]) {
        await this.repository.injectE2ESession({ jid, session: toE2ESession(bundle()) });
      }
      const { type, ciphertext } = await this.repository.encryptMessage({ jid, data: encodeWAMessage(message) });
      return { type, ciphertext: Buffer.from(ciphertext) };
    });
  }

  /** Forgets the session with a device, so the next send opens a fresh one. */
  dropSession(jid: string): Promise<void> {
    return this.serial(async () => {
      const address = this.repository.jidToSignalProtocolAddress(jid);
      await this.keys.set({ session: { [address]: null } });
    });
  }

  decrypt(jid: string, type: EncType, ciphertext: Uint8Array): Promise<proto.Message> {
    return this.serial(async () => {
      const plain = await this.repository.decryptMessage({ jid, type, ciphertext });
      return proto.Message.decode(unpadRandomMax16(plain));
    });
  }

  encryptGroup(group: string, message: proto.IMessage): Promise<{ ciphertext: Buffer; distribution: Buffer }> {
    return this.serial(async () => {
      const result = await this.repository.encryptGroupMessage({
        group,
        meId: this.jid,
        data: encodeWAMessage(message),
      });
      return {
        ciphertext: Buffer.from(result.ciphertext),
        distribution: Buffer.from(result.senderKeyDistributionMessage),
      };
    });
  }

  processDistribution(authorJid: string, item: proto.Message.ISenderKeyDistributionMessage): Promise<void> {
    return this.serial(() => this.repository.processSenderKeyDistributionMessage({ authorJid, item }));
  }

  decryptGroup(group: string, authorJid: string, ciphertext: Uint8Array): Promise<proto.Message> {
    return this.serial(async () => {
      const plain = await this.repository.decryptGroupMessage({ group, authorJid, msg: ciphertext });
      return proto.Message.decode(unpadRandomMax16(plain));
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function toE2ESession(bundle: PreKeyBundle) {
  const prefixed = (key: Buffer) => Buffer.concat([Buffer.from([5]), key]);
  return {
    registrationId: bundle.registrationId,
    identityKey: prefixed(bundle.identityKey),
    signedPreKey: {
      keyId: bundle.signedPreKey.keyId,
      publicKey: prefixed(bundle.signedPreKey.publicKey),
      signature: bundle.signedPreKey.signature,
    },
    // libsignal opens a session without a one-time pre-key when none is left
    preKey: (bundle.preKey ? { keyId: bundle.preKey.keyId, publicKey: prefixed(bundle.preKey.publicKey) } : undefined) as {
      keyId: number;
      publicKey: Buffer;
    },
  };
}
