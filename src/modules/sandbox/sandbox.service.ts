import { Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { SessionControlPort } from '../../engine/ports/session-control.port';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import type { ChannelRef } from '../channels/channels.contracts';
import { causeKey, EventCauses } from '../events/event-causes';
import { sendMessageSchema } from '../messages/messages.contracts';
import { MessagesSandboxFacade } from '../messages/messages-sandbox.facade';
import { isUserJid, numberOf, parseRecipient } from '../whatsapp/jid';
import { fromSimulatorContent, toSimulatorContent } from './sandbox-messages';

function e164(phone: string): string {
  return `+${phone.replace(/\D/g, '')}`;
}

/** A WhatsApp-style message id, as a phone chooses it. */
function newWaMessageId(): string {
  return `3EB0${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** How long the effect of a drop or unlink may take to be reported before its cause is forgotten. */
const LINK_CHANGE_CAUSE_TTL_MS = 60_000;

/**
 * The sandbox's phones, driven through the API: test keys only (TestKeyGuard). Each call acts on the simulated
 * WhatsApp network the channel's session is connected to, the way a person would on a real phone.
 */
@Injectable()
export class SandboxService {
  constructor(
    private readonly network: SandboxNetwork,
    private readonly control: SessionControlPort,
    private readonly messages: MessagesSandboxFacade,
    private readonly causes: EventCauses,
  ) {}

  /**
   * A simulated contact sends the channel a message, in the shapes of a send (`from` instead of `to`). Its
   * message.received (or message.reaction) names this request as its cause.
   */
  async inbound(ref: ChannelRef, body: Record<string, unknown>, requestId: string) {
    const { channel, phone } = this.pairedChannel(ref);
    const { from, ...rest } = body ?? {};
    if (typeof from !== 'string' || !/^\+?[1-9]\d{6,14}$/.test(from)) {
      throw new AppError('invalid_request', 'Invalid from: must be the E.164 number of the simulated contact.', {
        details: { issues: [{ path: ['from'], code: 'invalid_format', message: 'must be an E.164 phone number such as +15551234567' }] },
      });
    }
    const input = parseOrThrow(sendMessageSchema, { ...rest, to: from }, { renamePath: (part) => (part === 'to' ? 'from' : part) });
    const wire = await this.messages.contentForContact(channel, parseRecipient(from, ['from']), input);
    const simulator = await this.network.simulator();
    const sender = from.replace(/\D/g, '');
    await simulator.createPhone(sender);
    // The id is chosen here so the cause is in place before the channel can see the message.
    const waMessageId = newWaMessageId();
    this.causes.expect(causeKey.inbound(channel.id, waMessageId), requestId);
    await simulator.send(sender, phone.replace(/\D/g, ''), toSimulatorContent(wire), { id: waMessageId });
    return { channel_id: channel.id, from: e164(sender), wa_message_id: waMessageId };
  }

  /** What simulated contacts received from this channel's account, decrypted. */
  async outbox(ref: ChannelRef, to?: string) {
    const { channel, phone } = this.pairedChannel(ref);
    const simulator = await this.network.simulator();
    const own = phone.replace(/\D/g, '');
    const contacts = to
      ? [to.replace(/\D/g, '')]
      : (await this.messages.recipients(channel.id)).flatMap((jid) => (isUserJid(jid) ? [numberOf(jid)!] : []));
    const received = (await Promise.all(contacts.map((contact) => simulator.received(contact))))
      .flat()
      .filter((m) => m.from === own && !m.group);
    const known = new Map(
      (
        await this.messages.findByWaIds(
          channel.id,
          received.map((m) => m.id),
        )
      ).map((row) => [row.waMessageId, row.id]),
    );
    return {
      data: received.map((m) => ({
        wa_message_id: m.id,
        message_id: known.get(m.id) ?? null,
        from: e164(m.from),
        to: e164(m.to),
        timestamp: new Date(m.timestamp * (m.timestamp < 1e12 ? 1000 : 1)).toISOString(),
        ...fromSimulatorContent(m.content),
      })),
    };
  }

  /** The recipient of one of the channel's messages reports it delivered or read; the status events name this request. */
  async receipt(ref: ChannelRef, messageId: string, status: 'delivered' | 'read', requestId: string) {
    const { channel, phone } = this.pairedChannel(ref);
    const row = await this.messages.outbound(channel.id, messageId);
    if (!isUserJid(row.chatJid)) {
      throw new AppError('invalid_request', 'Sandbox receipts are for one-to-one chats.', {
        details: { issues: [{ path: ['message_id'], code: 'invalid_value', message: 'not a one-to-one message' }] },
      });
    }
    const simulator = await this.network.simulator();
    this.causes.expect(causeKey.receipt(channel.id, row.waMessageId, status), requestId);
    await simulator.sendReceipt(numberOf(row.chatJid)!, phone.replace(/\D/g, ''), [row.waMessageId], status);
    return { message_id: row.id, status };
  }

  async scan(channel: ChannelRef, phoneNumber: string | undefined, requestId: string, business?: boolean) {
    const qr = await this.control.currentQr(channel.id);
    if (channel.state !== 'qr' || !qr) {
      throw new AppError('no_qr', `There is no QR to scan: the channel is ${channel.state}.`, {
        details: { current_state: channel.state },
      });
    }
    const simulator = await this.network.simulator();
    const phone = phoneNumber ?? `+1555${randomInt(1_000_000, 9_999_999)}`;
    await simulator.createPhone(phone, { business });
    this.causes.expect(causeKey.channel(channel.id), requestId);
    await simulator.scanQr(phone, qr.qr);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async enterPairCode(channel: ChannelRef, code: string, phoneNumber: string | undefined, requestId: string) {
    const phone = phoneNumber ?? this.network.pairingPhoneOf(channel.id);
    if (!phone) {
      throw new AppError('invalid_request', 'Give phone_number: no pair code was requested for this channel.', {
        details: { issues: [{ path: ['phone_number'], message: 'required' }] },
      });
    }
    const simulator = await this.network.simulator();
    this.causes.expect(causeKey.channel(channel.id), requestId);
    try {
      await simulator.enterPairCode(phone, code.replace('-', '').toUpperCase());
    } catch (error) {
      // The sandbox's phone refusing a code is the client's mistake (a wrong or stale code), not WhatsApp
      // failing to issue one: pair_code_failed (502) is for that, on POST /v1/channels/{id}/pair-code.
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError('invalid_request', 'Invalid code: the phone did not accept it.', {
        details: { issues: [{ path: ['code'], code: 'invalid_value', message: `not accepted by the phone: ${reason}` }] },
      });
    }
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async unlink(ref: ChannelRef, requestId: string) {
    const { channel, phone } = this.pairedChannel(ref);
    this.causes.expect(causeKey.channel(channel.id), requestId, LINK_CHANGE_CAUSE_TTL_MS);
    await (await this.network.simulator()).unlink(phone);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  async drop(ref: ChannelRef, requestId: string) {
    const { channel, phone } = this.pairedChannel(ref);
    this.causes.expect(causeKey.channel(channel.id), requestId, LINK_CHANGE_CAUSE_TTL_MS);
    await (await this.network.simulator()).drop(phone);
    return { channel_id: channel.id, phone_number: e164(phone) };
  }

  private pairedChannel(channel: ChannelRef) {
    if (!channel.phoneNumber) {
      throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
        details: { current_state: channel.state },
      });
    }
    return { channel, phone: channel.phoneNumber };
  }
}
