import { proto } from '@whiskeysockets/baileys';
import type { Connection } from '../transport/connection';
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
        historySyncNotification: {
          syncType: proto.Message.HistorySyncNotification.HistorySyncType.NON_BLOCKING_DATA,
          chunkOrder: 0,
          progress: 100,
        },
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
