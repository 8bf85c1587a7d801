import { deflateSync } from 'zlib';
import { encryptMedia } from '../media/media-crypto';
import type { MediaHost } from '../media/media-host';
import { proto } from '@whiskeysockets/baileys';
import type { Connection } from '../transport/connection';
import type { Account } from '../state/accounts';
import type { Network } from './network';
import { newMessageId, unixNow } from './nodes';
import type { Outbound } from './outbound';
import type { Pairing } from './pairing';

/**
 * What happens once a socket finished its handshake: a registration payload
 * starts pairing; a login payload must name a linked companion whose noise
 * key matches, otherwise it fails with 401 as for an unlinked device.
 */
export class Login {
  constructor(
    private readonly net: Network,
    private readonly pairing: Pairing,
    private readonly outbound: Outbound,
    private readonly media: MediaHost,
  ) {}

  async authenticated(connection: Connection, clientStatic: Buffer, payload: proto.ClientPayload): Promise<void> {
    if (payload.devicePairingData) {
      this.pairing.register(connection, clientStatic, payload);
      return;
    }
    const phone = payload.username?.toString() ?? '';
    const account = phone ? this.net.accounts.get(phone) : undefined;
    const companion = account?.companions.get(payload.device ?? -1);
    if (!account || !companion || !companion.noiseKey.equals(clientStatic)) {
      connection.end({ tag: 'failure', attrs: { reason: '401', location: 'sim' } });
      return;
    }
    const previous = companion.connection;
    if (previous && previous !== connection && !previous.isClosed) {
      previous.end({ tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] });
    }
    companion.connection = connection;
    companion.online = false;
    const version = payload.userAgent?.appVersion;
    companion.appVersion = version ? [version.primary, version.secondary, version.tertiary].join('.') : undefined;
    this.net.sessions.set(connection, { kind: 'companion', account, companion });
    connection.send({
      tag: 'success',
      attrs: {
        t: unixNow(),
        props: '1',
        lid: account.lid(companion.deviceId),
        display_name: '',
        abprops: '1',
        location: 'sim',
        creation: unixNow(),
      },
    });
    this.net.emitter.emit('connected', this.net.info(account, companion));
  }

  /**
   * After the passive/active IQ: the offline queue, the end-of-queue marker,
   * and, on the first login after pairing, what the phone sends a new
   * companion (app-state key share and history notification), which is what
   * ends Baileys' event buffering.
   */
  /**
   * The history a phone hands a new companion, as WhatsApp does: a HistorySync blob, deflated, encrypted
   * like media and put on the media host, which the notification points to. It holds no conversations
   * (the simulator keeps no chat history) but the phone number ↔ LID pairs of the people the account
   * shares a group with, which Baileys 7 stores as LID mappings.
   */
  private historySync(account: Account): proto.Message.IHistorySyncNotification {
    const known = new Map<string, string>();
    for (const group of this.net.groups.of(account.jid)) {
      for (const member of group.participants.keys()) {
        const other = this.net.accounts.get(member);
        if (other && other !== account) {
          known.set(other.jid, other.lidJid);
        }
      }
    }
    const sync = proto.HistorySync.encode({
      syncType: proto.HistorySync.HistorySyncType.NON_BLOCKING_DATA,
      conversations: [],
      phoneNumberToLidMappings: [...known].map(([pnJid, lidJid]) => ({ pnJid, lidJid })),
      chunkOrder: 0,
      progress: 100,
    }).finish();
    const encrypted = encryptMedia(deflateSync(sync), 'md-msg-hist');
    const { directPath } = this.media.put(encrypted.blob, 'md-msg-hist');
    return {
      syncType: proto.Message.HistorySyncType.NON_BLOCKING_DATA,
      chunkOrder: 0,
      progress: 100,
      directPath,
      mediaKey: encrypted.mediaKey,
      fileSha256: encrypted.fileSha256,
      fileEncSha256: encrypted.fileEncSha256,
      fileLength: encrypted.fileLength,
    };
  }

  async activated(connection: Connection): Promise<void> {
    const session = this.net.sessions.get(connection);
    if (session?.kind !== 'companion') {
      return;
    }
    const { account, companion } = session;
    this.net.flushOffline(account, companion);
    if (!companion.needsBootstrap) {
      return;
    }
    companion.needsBootstrap = false;
    const { keyId, keyData } = account.appStateKey;
    const keyShare: proto.IMessage = {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
        appStateSyncKeyShare: {
          keys: [
            {
              keyId: { keyId },
              keyData: {
                keyData,
                fingerprint: { rawId: 1, currentIndex: 0, deviceIndexes: [0, companion.keyIndex] },
                timestamp: Date.now(),
              },
            },
          ],
        },
      },
    };
    const history: proto.IMessage = {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: this.historySync(account),
      },
    };
    for (const message of [keyShare, history]) {
      const enc = await this.outbound.encryptTo(account.phoneDevice, companion, message);
      this.net.deliver(companion, {
        tag: 'message',
        attrs: {
          from: account.jid,
          id: newMessageId(),
          t: unixNow(),
          type: 'text',
          category: 'peer',
          notify: account.pushName,
        },
        content: [enc],
      });
    }
  }
}
