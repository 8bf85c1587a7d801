import { randomBytes } from 'crypto';
import { type BinaryNode, getBinaryNodeChild, proto } from '@whiskeysockets/baileys';
import { signCompanion, verifyCompanionSignature } from '../phone/device-identity';
import { type PairCodeRequest, type PrimaryHello, primaryFinish, primaryHello } from '../phone/pair-code';
import type { Account, Companion } from '../state/accounts';
import type { Connection } from '../transport/connection';
import type { CompanionInfo } from '../types';
import type { Network, Registration } from './network';
import { SERVER_JID, bytesNode, childBuffer, contentBuffer, iqResult, newStanzaId, readUintBE } from './nodes';

interface CodePairing {
  request: PairCodeRequest;
  hello?: PrimaryHello;
  account?: Account;
  done?: { resolve: (info: CompanionInfo) => void; reject: (error: Error) => void };
}

/**
 * Linking new companions, as the primary phone and the server do it together:
 * QR refs for registering sockets, the phone scanning a QR or accepting a
 * pair code, the signed device identity, and the 515 restart that follows.
 */
export class Pairing {
  private readonly byRef = new Map<string, Registration>();
  private readonly codes = new Map<Connection, CodePairing>();

  constructor(private readonly net: Network) {}

  register(connection: Connection, clientStatic: Buffer, payload: proto.ClientPayload): void {
    const data = payload.devicePairingData!;
    const props = data.deviceProps ? proto.DeviceProps.decode(data.deviceProps) : undefined;
    const platformType = props?.platformType ?? proto.DeviceProps.PlatformType.CHROME;
    const registration: Registration = {
      connection,
      noiseKey: clientStatic,
      identityKey: Buffer.from(data.eIdent ?? []),
      registrationId: readUintBE(Buffer.from(data.eRegid ?? [])),
      signedPreKey: {
        keyId: readUintBE(Buffer.from(data.eSkeyId ?? [])),
        publicKey: Buffer.from(data.eSkeyVal ?? []),
        signature: Buffer.from(data.eSkeySig ?? []),
      },
      platform: `${proto.DeviceProps.PlatformType[platformType] ?? 'UNKNOWN'}${props?.os ? ` (${props.os})` : ''}`,
      refs: Array.from({ length: this.net.options.qrRefs }, () => `2@${randomBytes(24).toString('base64')}`),
    };
    for (const ref of registration.refs) {
      this.byRef.set(ref, registration);
    }
    this.net.sessions.set(connection, { kind: 'registration', registration });
    connection.send({
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: registration.refs.map((ref) => bytesNode('ref', Buffer.from(ref, 'utf-8'))),
        },
      ],
    });
  }

  closed(connection: Connection, registration: Registration): void {
    for (const ref of registration.refs) {
      this.byRef.delete(ref);
    }
    const code = this.codes.get(connection);
    this.codes.delete(connection);
    code?.done?.reject(new Error('the companion disconnected before pairing finished'));
  }

  /**
   * The phone scans the string Baileys put in connection.update `qr`: since Baileys 7 a link,
   * `https://wa.me/settings/linked_devices#<ref>,<noiseKey>,<identityKey>,<advSecret>,1`; the bare
   * comma-separated form older clients show is read too.
   */
  async scanQr(phone: string, qr: string): Promise<CompanionInfo> {
    const fields = qr.slice(qr.indexOf('#') + 1);
    const [ref, noiseB64, identityB64, advB64] = fields.split(',');
    const registration = this.byRef.get(ref);
    if (!registration || registration.connection.isClosed) {
      throw new Error('QR code is not (or no longer) valid');
    }
    if (registration.noiseKey.toString('base64') !== noiseB64 || registration.identityKey.toString('base64') !== identityB64) {
      throw new Error('QR code keys do not match the waiting companion');
    }
    return this.link(this.net.account(phone), registration, Buffer.from(advB64, 'base64'));
  }

  /** IQ md / link_code_companion_reg from a registering socket. */
  async linkCodeIq(connection: Connection, registration: Registration, node: BinaryNode): Promise<void> {
    const reg = getBinaryNodeChild(node, 'link_code_companion_reg')!;
    if (reg.attrs.stage === 'companion_hello') {
      const phone = reg.attrs.jid.split('@')[0];
      const request: PairCodeRequest = {
        phone,
        ref: randomBytes(20),
        wrappedCompanionEphemeral: childBuffer(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub')!,
        noiseKey: childBuffer(reg, 'companion_server_auth_key_pub')!,
      };
      this.codes.set(connection, { request });
      connection.send(
        iqResult(node, [{ tag: 'link_code_companion_reg', attrs: {}, content: [bytesNode('link_code_pairing_ref', request.ref)] }]),
      );
      this.net.emitter.emit('pair-code-requested', { phone });
      return;
    }
    if (reg.attrs.stage === 'companion_finish') {
      connection.send(iqResult(node));
      // not awaited: linking waits for the client's answer, which arrives on this same stanza queue
      void this.finishCodePairing(connection, registration, reg);
      return;
    }
    connection.send(iqResult(node));
  }

  private async finishCodePairing(connection: Connection, registration: Registration, reg: BinaryNode): Promise<void> {
    const pending = this.codes.get(connection);
    if (!pending?.hello || !pending.account) {
      return;
    }
    try {
      const advSecret = await primaryFinish({
        hello: pending.hello,
        bundle: childBuffer(reg, 'link_code_pairing_wrapped_key_bundle')!,
        companionIdentity: childBuffer(reg, 'companion_identity_public')!,
        primaryIdentity: pending.account.phoneDevice.identityKey,
      });
      await this.link(pending.account, registration, advSecret);
    } catch (error) {
      pending.done?.reject(error as Error);
      connection.end({ tag: 'stream:error', attrs: { code: '401' } });
    }
  }

  /** Someone types the companion's code into the phone; resolves once the companion is linked. */
  async enterPairCode(phone: string, code: string): Promise<CompanionInfo> {
    const account = this.net.account(phone);
    const entry = [...this.codes.entries()].reverse().find(([c, p]) => p.request.phone === account.phone && !c.isClosed);
    if (!entry) {
      throw new Error(`no companion is waiting for a pair code on ${phone}`);
    }
    const [connection, pending] = entry;
    const normalized = code.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
    pending.hello = await primaryHello(normalized, pending.request.wrappedCompanionEphemeral);
    pending.account = account;
    const done = new Promise<CompanionInfo>((resolve, reject) => (pending.done = { resolve, reject }));
    connection.send(
      this.net.notification(SERVER_JID, 'link_code_companion_reg', [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            bytesNode('link_code_pairing_ref', pending.request.ref),
            bytesNode('primary_identity_pub', account.phoneDevice.identityKey.public),
            bytesNode('link_code_pairing_wrapped_primary_ephemeral_pub', pending.hello.wrappedPrimaryEphemeral),
          ],
        },
      ]),
    );
    return done;
  }

  private async link(account: Account, registration: Registration, advSecret: Buffer): Promise<CompanionInfo> {
    if (registration.linking) {
      throw new Error('this companion is already being linked');
    }
    registration.linking = true;
    const connection = registration.connection;
    const { deviceId, keyIndex } = account.allocateDevice();
    const accountKey = account.phoneDevice.identityKey;
    const signed = signCompanion({ accountKey, companionIdentity: registration.identityKey, keyIndex, advSecret });
    const reply = await this.net.query(connection, {
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            bytesNode('device-identity', signed.container),
            // the WhatsApp Business app pairs as `smba`, and tells the business name
            { tag: 'platform', attrs: { name: account.business ? 'smba' : 'android' } },
            ...(account.business ? [{ tag: 'biz', attrs: { name: account.pushName } }] : []),
            { tag: 'device', attrs: { jid: account.deviceJid(deviceId), lid: account.lid(deviceId) } },
          ],
        },
      ],
    });
    const identityNode = getBinaryNodeChild(getBinaryNodeChild(reply, 'pair-device-sign'), 'device-identity');
    const signature = contentBuffer(identityNode);
    if (
      reply.attrs.type !== 'result' ||
      !signature ||
      !verifyCompanionSignature({
        reply: signature,
        accountKey: accountKey.public,
        companionIdentity: registration.identityKey,
        expectedDetails: signed.details,
      })
    ) {
      connection.close();
      throw new Error('the companion did not confirm the pairing');
    }
    const companion: Companion = {
      deviceId,
      jid: account.deviceJid(deviceId),
      noiseKey: registration.noiseKey,
      identityKey: registration.identityKey,
      registrationId: registration.registrationId,
      signedPreKey: registration.signedPreKey,
      preKeys: new Map(),
      keyIndex,
      platform: registration.platform,
      needsBootstrap: true,
      online: false,
      offline: [],
    };
    account.companions.set(deviceId, companion);
    const info = this.net.info(account, companion);
    this.net.emitter.emit('paired', info);
    const code = this.codes.get(connection);
    this.codes.delete(connection);
    code?.done?.resolve(info);
    // the client must come back with a new socket and log in with its new identity
    connection.end({ tag: 'stream:error', attrs: { code: '515' } });
    return info;
  }
}
