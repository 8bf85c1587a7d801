import { Inject, Injectable } from '@nestjs/common';
import { toDataURL } from 'qrcode';
import { v7 as uuidv7 } from 'uuid';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { SessionControlPort } from '../../engine/ports/session-control.port';
import { SessionManager } from '../../engine/session-manager';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { Transactions } from '../../platform/database/transactions';
import { AppError } from '../../platform/errors/app-error';
import { isUuid } from '../../platform/ids';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import { ApiKeyPrincipal } from '../auth/principal';
import { assertActionAllowed, ChannelState } from './channel-lifecycle';
import { ChannelStateWriter } from './channel-state.writer';
import { ChannelPlacement } from './channel-placement';
import { ChannelSupervisor } from './channel-supervisor';
import { ChannelRef, toAdminChannel, toChannel, toChannelRef, toChannelStatus, UpdateChannelInput } from './channels.contracts';
import { ChannelRow, ChannelsRepository } from './channels.repository';

/** What a customer does with channels: create, read, rename, delete, and drive their connection. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly transactions: Transactions,
    private readonly writer: ChannelStateWriter,
    private readonly supervisor: ChannelSupervisor,
    private readonly placement: ChannelPlacement,
    private readonly sessions: SessionManager,
    private readonly control: SessionControlPort,
    private readonly sandbox: SandboxNetwork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(key: ApiKeyPrincipal, name: string) {
    if (key.channelId) {
      throw new AppError('channel_scoped_key', `This key is scoped to channel ${key.channelId} and cannot create channels.`);
    }
    const row = await this.transactions.run(async (tx) => {
      await this.channels.lockCustomer(tx, key.customerId);
      const count = await this.channels.countActive(tx, key.customerId);
      if (count >= key.plan.channelLimit) {
        throw new AppError('plan_channel_limit', `Your plan allows ${key.plan.channelLimit} channels.`, {
          details: { plan: key.plan.id, channel_limit: key.plan.channelLimit, channels: count },
        });
      }
      return this.channels.create(tx, { id: uuidv7(), customerId: key.customerId, name, mode: key.mode });
    });
    return toChannel(row);
  }

  /** Who owns a channel, and its mode: for what the engine reports with no request in sight. Null if unknown. */
  async owner(channelId: string): Promise<{ customerId: string; mode: 'live' | 'test' } | null> {
    const row = await this.channels.find(channelId);
    return row ? { customerId: row.customerId, mode: row.mode } : null;
  }

  async list(key: ApiKeyPrincipal, query: PageQuery & { include_deleted: boolean }) {
    const rows = await this.channels.list({
      customerId: key.customerId,
      mode: key.mode,
      onlyId: key.channelId ?? undefined,
      includeDeleted: query.include_deleted,
      before: decodeCursor(query.cursor, isUuid),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, toChannel);
  }

  /** Operator: every customer's channels. */
  async listAll(query: PageQuery & { include_deleted: boolean; customer_id?: string; status?: ChannelState }) {
    const rows = await this.channels.listAll({
      customerId: query.customer_id,
      state: query.status,
      includeDeleted: query.include_deleted,
      before: decodeCursor(query.cursor, isUuid),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, toAdminChannel);
  }

  /** Operator: per worker id, how many channels (not deleted) name it as holding their connection. */
  channelsPerWorker(): Promise<Map<string, number>> {
    return this.channels.countByWorker();
  }

  async get(channel: ChannelRef) {
    return toChannel(await this.rowOf(channel));
  }

  async status(channel: ChannelRef) {
    return toChannelStatus(await this.rowOf(channel));
  }

  async update(channel: ChannelRef, input: UpdateChannelInput) {
    const row = await this.rowOf(channel);
    const calls = input.calls ? { callAutoReject: input.calls.auto_reject, callRejectMessage: input.calls.message ?? null } : {};
    return toChannel(await this.channels.update(row.id, { ...(input.name !== undefined ? { name: input.name } : {}), ...calls }));
  }

  /** What the channel does with incoming calls, with the channel as routes see it; null for an unknown channel. */
  async callSettings(channelId: string): Promise<{ channel: ChannelRef; autoReject: boolean; message: string | null } | null> {
    const row = await this.channels.find(channelId);
    return row ? { channel: toChannelRef(row), autoReject: row.callAutoReject, message: row.callRejectMessage } : null;
  }

  async connect(channel: ChannelRef, correlationId: string) {
    const current = await this.rowOf(channel);
    assertActionAllowed('connect', current.state);
    const placement = await this.placement.place(current);
    let row: ChannelRow;
    try {
      await this.supervisor.cancelReconnects(current.id);
      row = await this.writer.apply(
        current,
        {
          state: 'connecting',
          wantConnected: true,
          reconnectAttempts: 0,
          reasonCode: null,
          reasonText: null,
          workerId: placement.workerId,
          leaseToken: BigInt(placement.token),
        },
        correlationId,
      );
    } catch (error) {
      await this.placement.unplace(current.id, placement);
      throw error;
    }
    await this.placement.start(row, placement);
    return toChannelStatus(row);
  }

  async disconnect(channel: ChannelRef, correlationId: string) {
    const current = await this.rowOf(channel);
    assertActionAllowed('disconnect', current.state);
    const row = await this.writer.apply(
      current,
      { state: 'stopped_by_user', wantConnected: false, workerId: null, reasonCode: null, reasonText: 'Disconnected on request.' },
      correlationId,
    );
    await this.supervisor.cancelReconnects(row.id);
    await this.control.close(row.id);
    return toChannelStatus(row);
  }

  async logout(channel: ChannelRef, correlationId: string) {
    const current = await this.rowOf(channel);
    assertActionAllowed('logout', current.state);
    const row = await this.loggedOut(current, 'Logged out on request.', correlationId);
    return toChannelStatus(row);
  }

  async remove(channel: ChannelRef, correlationId: string) {
    const current = await this.rowOf(channel);
    let row = current;
    if (current.state !== 'logged_out' && current.state !== 'pending' && current.state !== 'disabled_by_admin') {
      row = await this.loggedOut(current, 'Channel deleted.', correlationId);
    }
    const deleted = await this.channels.markDeleted(row.id, new Date());
    return toChannel(deleted);
  }

  async pairCode(channel: ChannelRef, phoneNumber: string) {
    const row = await this.rowOf(channel);
    if (row.state !== 'qr') {
      throw new AppError(
        'pair_code_unavailable',
        `A pair code needs a channel waiting to be paired (status qr); this one is ${row.state}.`,
        {
          details: { current_state: row.state },
        },
      );
    }
    if (row.mode === 'test') await this.sandbox.preparePairing(row.id, phoneNumber);
    const code = await this.control.requestPairingCode(row.id, phoneNumber);
    return { code, phone_number: phoneNumber.startsWith('+') ? phoneNumber : `+${phoneNumber}` };
  }

  async qr(channel: ChannelRef) {
    const row = await this.rowOf(channel);
    const current = row.state === 'qr' ? await this.control.currentQr(row.id) : null;
    if (!current) {
      throw new AppError('no_qr', `There is no QR to show: the channel is ${row.state}.`, { details: { current_state: row.state } });
    }
    const dataUrl = await toDataURL(current.qr, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
    return { qr: current.qr, png_base64: dataUrl.slice(dataUrl.indexOf(',') + 1), expires_at: current.expiresAt.toISOString() };
  }

  /** Operator: stop the channel and keep it stopped until enabled (the pairing is kept). */
  async disable(id: string) {
    const current = await this.requireAny(id);
    if (current.state === 'disabled_by_admin') return toChannelStatus(current);
    await this.supervisor.cancelReconnects(current.id);
    const row = await this.writer.apply(current, {
      state: 'disabled_by_admin',
      wantConnected: false,
      workerId: null,
      disabledAt: new Date(),
      reasonCode: null,
      reasonText: 'Disabled by the operator.',
    });
    await this.control.close(row.id);
    return toChannelStatus(row);
  }

  /** Operator: lift a disable; the channel is pending again and connects on request. */
  async enable(id: string) {
    const current = await this.requireAny(id);
    if (current.state !== 'disabled_by_admin') {
      throw new AppError('not_disabled', `Channel ${id} is not disabled; it is ${current.state}.`, {
        details: { current_state: current.state },
      });
    }
    const row = await this.writer.apply(current, { state: 'pending', disabledAt: null, reasonCode: null, reasonText: null });
    return toChannelStatus(row);
  }

  /** The row behind a channel the guard resolved, read now: what this request changes is decided on it. */
  private async rowOf(channel: ChannelRef): Promise<ChannelRow> {
    const row = await this.channels.find(channel.id);
    if (!row) throw new AppError('channel_not_found', `No channel ${channel.id}.`);
    return row;
  }

  private async requireAny(id: string): Promise<ChannelRow> {
    const row = await this.channels.findByClientId(id);
    if (!row || row.deletedAt) throw new AppError('channel_not_found', `No channel ${id}.`);
    return row;
  }

  /** Ends the session with a logout and wipes credentials: the device is unlinked on WhatsApp's side. */
  private async loggedOut(current: ChannelRow, reason: string, correlationId: string): Promise<ChannelRow> {
    await this.supervisor.cancelReconnects(current.id);
    const row = await this.writer.apply(
      current,
      {
        state: 'logged_out',
        wantConnected: false,
        workerId: null,
        reasonCode: null,
        reasonText: reason,
        phoneNumber: null,
        jid: null,
        lid: null,
      },
      correlationId,
    );
    await this.control.close(row.id, { logout: true });
    await this.sessions.wipeCredentials(row.id);
    return row;
  }
}
