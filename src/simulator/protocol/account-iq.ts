import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys';
import { PRIVACY_CATEGORIES, type PrivacyName } from '../state/account-settings';
import type { Account, Companion } from '../state/accounts';
import { AccountRefusal, type AccountOps } from './account-ops';
import type { Network } from './network';
import { contentBuffer, firstChild, iqError, iqResult } from './nodes';

/**
 * The IQs an account sends about itself: its about text (`status`), its picture (`w:profile:picture` with no
 * target or a user target), its privacy settings (`privacy`, `disappearing_mode`) and its blocklist
 * (`blocklist`); and the usync `status` / `disappearing_mode` answers others get about it.
 */
export class AccountIq {
  constructor(
    private readonly net: Network,
    private readonly ops: AccountOps,
  ) {}

  /** Answers the IQ, or undefined when it is not one this handler models (the caller reports it unhandled). */
  handle(account: Account, companion: Companion, node: BinaryNode): BinaryNode | undefined {
    try {
      return this.answer(account, companion, node);
    } catch (error) {
      if (error instanceof AccountRefusal) return iqError(node, error.code, error.text);
      throw error;
    }
  }

  private answer(account: Account, companion: Companion, node: BinaryNode): BinaryNode | undefined {
    const child = firstChild(node);
    const { type } = node.attrs;
    switch (node.attrs.xmlns) {
      case 'status':
        if (type !== 'set' || child?.tag !== 'status') return undefined;
        this.ops.setAbout(account, contentBuffer(child)?.toString('utf-8') ?? '');
        return iqResult(node);
      case 'w:profile:picture':
        return this.picture(account, companion, node);
      case 'privacy':
        if (type === 'get' && child?.tag === 'privacy') return iqResult(node, [this.privacyNode(account)]);
        if (type !== 'set' || child?.tag !== 'privacy') return undefined;
        this.ops.setPrivacy(
          account,
          getBinaryNodeChildren(child, 'category').map((c) => ({ name: c.attrs.name, value: c.attrs.value })),
          companion,
        );
        return iqResult(node);
      case 'disappearing_mode':
        if (type !== 'set' || child?.tag !== 'disappearing_mode') return undefined;
        this.ops.setDefaultDisappearing(account, Number(child.attrs.duration), companion);
        return iqResult(node);
      case 'blocklist':
        if (type === 'get') {
          const items = this.ops.blocklist(account).map((jid) => ({ tag: 'item', attrs: { jid } }));
          return iqResult(node, [{ tag: 'list', attrs: {}, content: items }]);
        }
        if (type !== 'set' || child?.tag !== 'item') return undefined;
        this.ops.setBlocked(account, child.attrs.jid, child.attrs.action, companion);
        return iqResult(node);
    }
    return undefined;
  }

  /** No target (or the account's own jid) is the account's picture; another user's is read under their privacy. */
  private picture(account: Account, companion: Companion, node: BinaryNode): BinaryNode | undefined {
    const target = node.attrs.target ? this.net.accounts.get(node.attrs.target) : account;
    if (node.attrs.type === 'get') {
      if (!target) throw new AccountRefusal(404, 'item-not-found');
      const failure = target.pictureReadFailures.shift();
      if (failure) throw new AccountRefusal(failure.code, failure.text);
      const stored = this.ops.pictureFor(target, account);
      const kind = getBinaryNodeChild(node, 'picture')?.attrs.type ?? 'preview';
      return iqResult(node, [{ tag: 'picture', attrs: { id: stored.id, type: kind, url: stored.url, direct_path: stored.directPath } }]);
    }
    if (node.attrs.type !== 'set') return undefined;
    // nobody sets another user's picture
    if (target !== account) throw new AccountRefusal(401, 'not-authorized');
    const jpeg = contentBuffer(getBinaryNodeChild(node, 'picture'));
    const id = this.ops.setPicture(account, jpeg?.length ? jpeg : null, companion);
    return iqResult(node, id ? [{ tag: 'picture', attrs: { id } }] : undefined);
  }

  private privacyNode(account: Account): BinaryNode {
    const names = Object.keys(PRIVACY_CATEGORIES) as PrivacyName[];
    return {
      tag: 'privacy',
      attrs: {},
      content: names.map((name) => ({ tag: 'category', attrs: { name, value: account.privacy[name] } })),
    };
  }

  /** The usync `status` answer about `owner` for `viewer`: the text, `code=401` when hidden, empty when unset. */
  usyncStatus(owner: Account, viewer: Account): BinaryNode {
    const about = this.ops.aboutFor(owner, viewer);
    if (about === 'hidden') return { tag: 'status', attrs: { code: '401' } };
    if (!about) return { tag: 'status', attrs: { t: '0' } };
    return { tag: 'status', attrs: { t: about.t.toString() }, content: Buffer.from(about.text, 'utf-8') };
  }

  usyncDisappearing(owner: Account): BinaryNode {
    const { duration, t } = owner.defaultDisappearing;
    return { tag: 'disappearing_mode', attrs: { duration: duration.toString(), t: t.toString() } };
  }
}
