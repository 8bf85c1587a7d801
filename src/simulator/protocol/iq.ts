import { createHash } from 'crypto';
import {
  type BinaryNode,
  KEY_BUNDLE_TYPE,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isJidGroup,
  jidDecode,
  jidEncode,
} from '@whiskeysockets/baileys';
import type { MediaHost } from '../media/media-host';
import type { PreKeyBundle } from '../phone/sim-device';
import { type Account, type Companion, isLid, takeCompanionBundle } from '../state/accounts';
import type { AccountIq } from './account-iq';
import type { AppStateIq } from './app-state-iq';
import type { BusinessIq } from './business-iq';
import type { Connection } from '../transport/connection';
import type { GroupIq } from './group-iq';
import type { Login } from './login';
import type { NewsletterIq } from './newsletter-iq';
import type { Network, Session } from './network';
import { bytesNode, childBuffer, childNodes, contentBuffer, firstChild, iqError, iqResult, readUintBE, uintBE } from './nodes';
import type { Pairing } from './pairing';

const MEDIA_CONN_TTL_S = 3600;
/** The usync protocols the simulated server answers; any other is reported as unhandled. */
const USYNC_PROTOCOLS = new Set(['devices', 'contact', 'lid', 'status', 'disappearing_mode']);

/** Client IQs: keys, login bookkeeping, init queries, app state, usync, media, business and device removal. */
export class IqHandlers {
  constructor(
    private readonly net: Network,
    private readonly pairing: Pairing,
    private readonly login: Login,
    private readonly groups: GroupIq,
    private readonly media: MediaHost,
    private readonly unlink: (phone: string, deviceId: number) => void,
    private readonly accountIq: AccountIq,
    private readonly appState: AppStateIq,
    private readonly newsletters: NewsletterIq,
    private readonly business: BusinessIq,
  ) {}

  async handle(connection: Connection, session: Session, node: BinaryNode): Promise<void> {
    const child = firstChild(node);
    if (session.kind === 'registration') {
      if (node.attrs.xmlns === 'md' && child?.tag === 'link_code_companion_reg') {
        return this.pairing.linkCodeIq(connection, session.registration, node);
      }
      connection.send(iqResult(node));
      return;
    }
    const { account, companion } = session;
    switch (node.attrs.xmlns) {
      case 'encrypt':
        return connection.send(await this.encrypt(session, node));
      case 'passive':
        connection.send(iqResult(node));
        if (child?.tag === 'active') {
          await this.login.activated(connection);
        }
        return;
      case 'w':
        return connection.send(iqResult(node, [{ tag: 'props', attrs: { protocol: '2', hash: 'sim-props-1' }, content: [] }]));
      case 'w:p':
        // keep-alive ping: WhatsApp answers with an empty result
        return connection.send(iqResult(node));
      case 'abt':
        return connection.send(iqResult(node, [this.abProps()]));
      case 'w:profile:picture':
        if (node.attrs.target && isJidGroup(node.attrs.target)) {
          return connection.send(this.groups.picture(account, node));
        }
        break;
      case 'privacy':
        if (node.attrs.type === 'set' && child?.tag === 'tokens') {
          // the client issues trusted-contact privacy tokens to the people it wrote to; the server keeps them
          for (const token of getBinaryNodeChildren(child, 'token')) {
            const times = (account.issuedPrivacyTokens.get(token.attrs.jid)?.times ?? 0) + 1;
            account.issuedPrivacyTokens.set(token.attrs.jid, { type: token.attrs.type, t: Number(token.attrs.t), times });
          }
          return connection.send(iqResult(node));
        }
        break;
      case 'w:sync:app:state':
        return connection.send(await this.appState.handle(account, companion, node));
      case 'usync':
        return connection.send(iqResult(node, [this.usync(account, child!)]));
      case 'w:m':
        return connection.send(
          iqResult(node, [
            {
              tag: 'media_conn',
              attrs: { auth: this.media.authToken, ttl: MEDIA_CONN_TTL_S.toString() },
              content: [{ tag: 'host', attrs: { hostname: this.media.hostname, maxContentLengthBytes: '104857600' } }],
            },
          ]),
        );
      case 'w:g2':
        return connection.send(this.groups.handle(account, node));
      case 'w:mex':
        return connection.send(this.newsletters.mex(account, node));
      case 'newsletter':
        return connection.send(this.newsletters.newsletter(account, node));
      case 'md':
        if (child?.tag === 'remove-companion-device') {
          connection.send(iqResult(node));
          this.unlink(account.phone, companion.deviceId);
          return;
        }
        break;
    }
    // the account's own profile, privacy settings and blocklist
    const answer = this.accountIq.handle(account, companion, node) ?? this.business.handle(account, node);
    if (answer) {
      return connection.send(answer);
    }
    this.net.unhandled(`iq xmlns=${node.attrs.xmlns} type=${node.attrs.type} <${child?.tag ?? ''}>`);
    connection.send(iqError(node, 501, 'feature-not-implemented'));
  }

  /**
   * The server's A/B properties. The simulated server does not run privacy tokens (1:1 and profile-photo
   * `tctoken`s) nor LID-issued trusted tokens, and says so, so clients do not expect them.
   */
  private abProps(): BinaryNode {
    const props: Record<string, string> = {
      privacy_token_sending_on_all_1_on_1_messages: 'false',
      profile_scraping_privacy_token_in_photo_iq: 'false',
      lid_trusted_token_issue_to_lid: 'false',
    };
    return {
      tag: 'props',
      attrs: { protocol: '1', hash: 'sim-ab-props-1', refresh: '86400' },
      content: Object.entries(props).map(([name, value]) => ({ tag: 'prop', attrs: { name, value } })),
    };
  }

  private async encrypt({ companion }: Extract<Session, { kind: 'companion' }>, node: BinaryNode): Promise<BinaryNode> {
    const child = firstChild(node);
    if (child?.tag === 'count') {
      return iqResult(node, [{ tag: 'count', attrs: { value: companion.preKeys.size.toString() } }]);
    }
    if (child?.tag === 'key') {
      const users: BinaryNode[] = [];
      for (const user of getBinaryNodeChildren(child, 'user')) {
        users.push(await this.bundleNode(user.attrs.jid));
      }
      return iqResult(node, [{ tag: 'list', attrs: {}, content: users }]);
    }
    if (child?.tag === 'digest') {
      return iqResult(node, [this.digest(companion)]);
    }
    if (node.attrs.type === 'set' && child?.tag === 'rotate') {
      takeSignedPreKey(companion, getBinaryNodeChild(child, 'skey'));
      return iqResult(node);
    }
    if (node.attrs.type === 'set' && getBinaryNodeChild(node, 'list')) {
      // pre-key upload: one-time keys plus the (possibly rotated) signed pre-key
      for (const key of getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'key')) {
        companion.preKeys.set(readUintBE(childBuffer(key, 'id')), childBuffer(key, 'value')!);
      }
      takeSignedPreKey(companion, getBinaryNodeChild(node, 'skey'));
      const registration = childBuffer(node, 'registration');
      if (registration) {
        companion.registrationId = readUintBE(registration);
      }
      return iqResult(node);
    }
    this.net.unhandled(`iq xmlns=encrypt type=${node.attrs.type} <${child?.tag ?? ''}>`);
    return iqError(node, 501, 'feature-not-implemented');
  }

  /** What the server holds of a companion's keys, with a hash over them (clients compare it with their own). */
  private digest(companion: Companion): BinaryNode {
    const preKeyIds = [...companion.preKeys.keys()];
    const hash = createHash('sha1')
      .update(companion.identityKey)
      .update(companion.signedPreKey.publicKey)
      .update(companion.signedPreKey.signature)
      .update(Buffer.concat([...companion.preKeys.values()]))
      .digest();
    return {
      tag: 'digest',
      attrs: {},
      content: [
        bytesNode('registration', uintBE(companion.registrationId, 4)),
        bytesNode('type', KEY_BUNDLE_TYPE),
        bytesNode('identity', companion.identityKey),
        {
          tag: 'skey',
          attrs: {},
          content: [
            bytesNode('id', uintBE(companion.signedPreKey.keyId, 3)),
            bytesNode('value', companion.signedPreKey.publicKey),
            bytesNode('signature', companion.signedPreKey.signature),
          ],
        },
        { tag: 'list', attrs: {}, content: preKeyIds.map((id) => bytesNode('id', uintBE(id, 3))) },
        bytesNode('hash', hash),
      ],
    };
  }

  private async bundleNode(jid: string): Promise<BinaryNode> {
    const decoded = jidDecode(jid);
    const account = decoded && this.net.findAccount(jid);
    let bundle: PreKeyBundle | undefined;
    if (account && decoded) {
      if (!decoded.device) {
        bundle = await account.phoneDevice.takeBundle();
      } else {
        const companion = account.companions.get(decoded.device);
        bundle = companion && takeCompanionBundle(companion);
      }
    }
    if (!bundle) {
      return { tag: 'user', attrs: { jid }, content: [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }] };
    }
    const content: BinaryNode[] = [
      bytesNode('registration', uintBE(bundle.registrationId, 4)),
      bytesNode('type', KEY_BUNDLE_TYPE),
      bytesNode('identity', bundle.identityKey),
    ];
    if (bundle.preKey) {
      content.push({
        tag: 'key',
        attrs: {},
        content: [bytesNode('id', uintBE(bundle.preKey.keyId, 3)), bytesNode('value', bundle.preKey.publicKey)],
      });
    }
    content.push({
      tag: 'skey',
      attrs: {},
      content: [
        bytesNode('id', uintBE(bundle.signedPreKey.keyId, 3)),
        bytesNode('value', bundle.signedPreKey.publicKey),
        bytesNode('signature', bundle.signedPreKey.signature),
      ],
    });
    return { tag: 'user', attrs: { jid }, content };
  }

  private usync(viewer: Account, request: BinaryNode): BinaryNode {
    const protocols = childNodes(getBinaryNodeChild(request, 'query')).map((p) => p.tag);
    for (const protocol of protocols.filter((p) => !USYNC_PROTOCOLS.has(p))) {
      this.net.unhandled(`usync protocol <${protocol}>`);
    }
    const users = getBinaryNodeChildren(getBinaryNodeChild(request, 'list'), 'user').map((user) => {
      const phoneQuery = contentBuffer(getBinaryNodeChild(user, 'contact'))?.toString('utf-8');
      const jid = user.attrs.jid ?? jidEncode((phoneQuery ?? '').replace(/\D/g, ''), 's.whatsapp.net');
      const account = this.net.findAccount(jid);
      const content: BinaryNode[] = [];
      if (protocols.includes('lid') && account && !isLid(jid)) {
        // the LID protocol: which LID a phone number has (Baileys 7 addresses every user by it)
        content.push({ tag: 'lid', attrs: { val: account.lidJid } });
      }
      if (protocols.includes('devices')) {
        const devices: BinaryNode[] = account
          ? [
              { tag: 'device', attrs: { id: '0' } },
              ...[...account.companions.values()].map((c) => ({
                tag: 'device',
                attrs: { id: c.deviceId.toString(), 'key-index': c.keyIndex.toString() },
              })),
            ]
          : [];
        content.push({ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] });
      }
      if (protocols.includes('status')) {
        content.push(account ? this.accountIq.usyncStatus(account, viewer) : { tag: 'status', attrs: { t: '0' } });
      }
      if (protocols.includes('disappearing_mode') && account) {
        content.push(this.accountIq.usyncDisappearing(account));
      }
      if (protocols.includes('contact')) {
        content.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } });
      }
      return { tag: 'user', attrs: { jid }, content };
    });
    return {
      tag: 'usync',
      attrs: { ...request.attrs },
      content: [
        { tag: 'result', attrs: {} },
        { tag: 'list', attrs: {}, content: users },
      ],
    };
  }
}

/** A signed pre-key the companion uploaded (with its one-time keys, or alone in a rotation) replaces the old one. */
function takeSignedPreKey(companion: Companion, skey: BinaryNode | undefined): void {
  if (!skey) {
    return;
  }
  companion.signedPreKey = {
    keyId: readUintBE(childBuffer(skey, 'id')),
    publicKey: childBuffer(skey, 'value')!,
    signature: childBuffer(skey, 'signature')!,
  };
}
