import {
  type LTHashState,
  type WAPatchName,
  decodePatches,
  encodeSyncdPatch,
  newLTHashState,
  proto,
  type WAPatchCreate,
} from '@whiskeysockets/baileys';

/** WhatsApp's app-state collections (Baileys' `ALL_WA_PATCH_NAMES`). */
export const APP_STATE_COLLECTIONS: readonly WAPatchName[] = [
  'critical_block',
  'critical_unblock_low',
  'regular_high',
  'regular_low',
  'regular',
];

/** How many patches one sync answer carries before it says `has_more_patches`. */
const DEFAULT_PAGE_SIZE = 50;

/** Why a pushed patch was refused, with the IQ error code WhatsApp's server answers. */
export class AppStateRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
    detail: string,
  ) {
    super(`${code} ${text}: ${detail}`);
  }
}

/** One collection on the server: the ordered patch log (version N is `patches[N - 1]`) and its LTHash state. */
interface Collection {
  patches: proto.ISyncdPatch[];
  state: LTHashState;
}

/** A mutation as it stands after the whole log was applied: the latest value of each index. */
export interface AppStateEntry {
  index: string[];
  value: proto.ISyncActionValue;
}

/**
 * An account's app state as WhatsApp's server keeps it: per collection, a log of encrypted patches, each
 * numbered with the collection's next version, and the LTHash of the collection so far. The server cannot
 * read patches without the account's app-state key; the simulator holds that key (its phone made it), so it
 * validates pushes exactly as a client validates downloads (Baileys' `decodePatches`: patch MAC, value MACs
 * and the LTHash snapshot MAC) and lets the simulated phone write and read patches as the real phone does.
 */
export class AppStateStore {
  pageSize = DEFAULT_PAGE_SIZE;
  private readonly collections = new Map<string, Collection>();
  /** Pushes and phone writes run one at a time: each builds on the version the previous one produced. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly key: { keyId: Buffer; keyData: Buffer }) {}

  version(name: string): number {
    return this.collection(name).state.version;
  }

  /** The patches after `version` (copies), at most a page of them, and whether more follow. */
  patchesAfter(name: string, version: number): { patches: proto.ISyncdPatch[]; hasMore: boolean } {
    const { patches } = this.collection(name);
    const page = patches.slice(version, version + this.pageSize);
    return { patches: page.map(copyPatch), hasMore: version + page.length < patches.length };
  }

  /**
   * A client's push: a patch built on `baseVersion`, stored as the next version when that is the server's
   * current version and the patch decodes with the account's key; refused otherwise (409 when the client
   * missed a newer version, 400 when the patch does not verify).
   */
  push(name: string, baseVersion: number, patch: proto.ISyncdPatch): Promise<number> {
    return this.serialized(async () => {
      const collection = this.collection(name);
      if (baseVersion !== collection.state.version) {
        throw new AppStateRefusal(409, 'conflict', `${name} is at v${collection.state.version}, the push is based on v${baseVersion}`);
      }
      const version = baseVersion + 1;
      const stored: proto.ISyncdPatch = { ...patch, version: { version } };
      const failures: string[] = [];
      const logger = { warn: (_: unknown, message: string) => failures.push(message), trace() {}, debug() {}, info() {} };
      let decoded: Awaited<ReturnType<typeof decodePatches>>;
      try {
        decoded = await decodePatches(
          name as WAPatchName,
          [copyPatch(stored)],
          collection.state,
          this.getKey,
          {},
          undefined,
          logger as never,
        );
      } catch (error) {
        throw new AppStateRefusal(400, 'bad-request', (error as Error).message);
      }
      if (failures.length || decoded.state.version !== version) {
        throw new AppStateRefusal(400, 'bad-request', failures.join('; ') || 'the patch did not apply');
      }
      collection.patches.push(stored);
      collection.state = decoded.state;
      return version;
    });
  }

  /** A change made on the phone: encoded with the account's key on top of the collection, stored as its next version. */
  write(create: WAPatchCreate): Promise<number> {
    return this.serialized(async () => {
      const collection = this.collection(create.type);
      const { patch, state } = await encodeSyncdPatch(create, this.key.keyId.toString('base64'), collection.state, this.getKey);
      collection.patches.push({ ...patch, version: { version: state.version } });
      collection.state = state;
      return state.version;
    });
  }

  /** What the collection holds, as a client that synced it from the start sees it: the latest value of each index. */
  async read(name: string): Promise<AppStateEntry[]> {
    const { patches } = this.collection(name);
    if (!patches.length) {
      return [];
    }
    const { mutationMap } = await decodePatches(name as WAPatchName, patches.map(copyPatch), newLTHashState(), this.getKey, {});
    return Object.values(mutationMap).map(({ index, syncAction }) => ({ index, value: syncAction.value ?? {} }));
  }

  private readonly getKey = async (keyId: string): Promise<proto.Message.IAppStateSyncKeyData | null> =>
    keyId === this.key.keyId.toString('base64') ? { keyData: this.key.keyData } : null;

  private collection(name: string): Collection {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = { patches: [], state: newLTHashState() };
      this.collections.set(name, collection);
    }
    return collection;
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** `decodePatches` empties a patch's mutations once applied; the log keeps its own copy. */
function copyPatch(patch: proto.ISyncdPatch): proto.ISyncdPatch {
  return { ...patch, mutations: [...(patch.mutations ?? [])] };
}
