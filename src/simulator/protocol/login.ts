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
import { accountHistory } from './account-history';

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
   * The history a phone hands a new companion, as WhatsApp does: HistorySync blobs, deflated, encrypted
   * like media and put on the media host, which the notifications point to. A light account's holds no
   * conversations but the phone number ↔ LID pairs of the people it shares a group with, which Baileys 7
   * stores as LID mappings; a realistic account's (`accountHistory`) holds its conversations and messages,
   * then its contacts' push names.
   */
  private historySyncs(account: Account): proto.Message.IHistorySyncNotification[] {
    const size = this.net.options.accountHistory;
    if (size) return accountHistory(this.net, account, size).map((sync) => this.upload(sync));
    const known = new Map<string, string>();
    for (const group of this.net.groups.of(account.jid)) {
      for (const member of group.participants.keys()) {
        const other = this.net.accounts.get(member);
        if (other && other !== account) {
          known.set(other.jid, other.lidJid);
        }
      }
    }
    return [
      this.upload({
        syncType: proto.HistorySync.HistorySyncType.NON_BLOCKING_DATA,
        conversations: [],
        phoneNumberToLidMappings: [...known].map(([pnJid, lidJid]) => ({ pnJid, lidJid })),
        chunkOrder: 0,
        progress: 100,
      }),
    ];
  }

  private upload(history: proto.IHistorySync): proto.Message.IHistorySyncNotification {
    const encrypted = encryptMedia(deflateSync(proto.HistorySync.encode(history).finish()), 'md-msg-hist');
    const { directPath } = this.media.put(encrypted.blob, 'md-msg-hist');
    return {
      // the notification's type numbers are the blob's
      syncType: history.syncType,
      chunkOrder: history.chunkOrder,
      progress: history.progress,
      directPath,
      mediaKey: encrypted.mediaKey,
      fileSha256: encrypted.fileSha256,
      fileEncSha256: encrypted.fileEncSha256,
      fileLength: encrypted.fileLength,
    };
  }

  /**
   * After the passive/active IQ: the offline queue, the end-of-queue marker,
   * and, on the first login after pairing, what the phone sends a new
   * companion (app-state key share and history notifications), which is what
   * ends Baileys' event buffering.
   */
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
    const histories: proto.IMessage[] = this.historySyncs(account).map((historySyncNotification) => ({
      protocolMessage: { type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION, historySyncNotification },
    }));
    const send = async (): Promise<void> => {
      for (const message of [keyShare, ...histories]) {
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
    };
    if (account.keyShareDelayMs <= 0) {
      await send();
      return;
    }
    setTimeout(() => {
      send().catch((error: unknown) => this.net.warn(`key share to ${companion.jid} not sent`, error));
    }, account.keyShareDelayMs).unref();
  }
}
