import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren, proto, type WAPatchCreate } from '@whiskeysockets/baileys';
import type { Account, Companion } from '../state/accounts';
import { AppStateRefusal } from '../state/app-state';
import type { Network } from './network';
import { contentBuffer, iqError, iqResult } from './nodes';

/**
 * `w:sync:app:state` IQs: a `<sync>` of collections, each either a request for the patches after the
 * client's version or, when it carries `<patch>` children, the client's push built on that version.
 * Pushes are applied first, in order; a refused push refuses the whole IQ with WhatsApp's code (Baileys
 * ignores the content of the answer to a push, so only an IQ error tells it the patch was not taken).
 */
export class AppStateIq {
  constructor(private readonly net: Network) {}

  async handle(account: Account, companion: Companion, node: BinaryNode): Promise<BinaryNode> {
    const collections = getBinaryNodeChildren(getBinaryNodeChild(node, 'sync'), 'collection');
    const answers: BinaryNode[] = [];
    const pushed: { name: string; version: number }[] = [];
    try {
      for (const collection of collections) {
        const { name } = collection.attrs;
        const base = Number(collection.attrs.version ?? '0');
        const patches = getBinaryNodeChildren(collection, 'patch');
        if (patches.length) {
          let version = base;
          for (const patch of patches) {
            version = await account.appState.push(name, version, proto.SyncdPatch.decode(contentBuffer(patch)!));
          }
          pushed.push({ name, version });
          answers.push({ tag: 'collection', attrs: { name, version: version.toString() } });
        } else {
          answers.push(this.patchesAfter(account, name, base));
        }
      }
    } catch (error) {
      if (error instanceof AppStateRefusal) {
        this.net.warn(`app-state push from ${companion.jid} refused: ${error.message}`);
        return iqError(node, error.code, error.text);
      }
      throw error;
    }
    for (const { name, version } of pushed) {
      this.serverSync(account, name, version, companion);
    }
    return iqResult(node, [{ tag: 'sync', attrs: {}, content: answers }]);
  }

  /** A change made on the phone: stored as the collection's next version and announced to every companion. */
  async writeFromPhone(account: Account, create: WAPatchCreate): Promise<number> {
    const version = await account.appState.write(create);
    this.serverSync(account, create.type, version);
    return version;
  }

  private patchesAfter(account: Account, name: string, version: number): BinaryNode {
    const { patches, hasMore } = account.appState.patchesAfter(name, version);
    const attrs: Record<string, string> = { name, version: account.appState.version(name).toString() };
    if (hasMore) {
      attrs.has_more_patches = 'true';
    }
    if (!patches.length) {
      return { tag: 'collection', attrs };
    }
    const content = patches.map((patch) => ({ tag: 'patch', attrs: {}, content: proto.SyncdPatch.encode(patch).finish() }));
    return { tag: 'collection', attrs, content: [{ tag: 'patches', attrs: {}, content }] };
  }

  /** `<notification type="server_sync">`: the account's other devices fetch the collection's new patches. */
  private serverSync(account: Account, name: string, version: number, by?: Companion): void {
    const collection: BinaryNode = { tag: 'collection', attrs: { name, version: version.toString() } };
    for (const other of account.companions.values()) {
      if (other !== by) {
        this.net.deliver(other, this.net.notification('s.whatsapp.net', 'server_sync', [collection]));
      }
    }
  }
}
