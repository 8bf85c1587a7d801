import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { InboundWireMessage, WireOrder } from '../../engine/message-content';
import { BusinessPort } from '../../engine/ports/business.port';
import type { MessagingEvent } from '../../engine/ports/session-events';
import { SessionManager } from '../../engine/session-manager';
import type { Prisma } from '../../platform/database';
import { AppError } from '../../platform/errors/app-error';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, type Page, type PageQuery, toPage } from '../../platform/pagination';
import type { ChannelRef } from '../channels/channels.contracts';
import { ChannelsService } from '../channels/channels.service';
import { MessagesService } from '../messages/messages.service';
import { refuseIfPersonal } from './business-account';
import { type Order, type OrderItemRecord, toOrder, toSyncError } from './business.contracts';
import { BusinessRepository, type OrderRow } from './business.repository';

const STATUS: Record<WireOrder['status'], string> = { inquiry: 'INQUIRY', accepted: 'ACCEPTED', declined: 'DECLINED' };

/**
 * Orders customers place from the channel's catalog: each inbound order message is recorded once (it also
 * goes out as `message.received` with `type: order`), and its items are filled in from WhatsApp's order
 * details, named by the gateway's products where it knows them.
 */
@Injectable()
export class BusinessOrders implements OnModuleInit {
  private readonly logger = new Logger(BusinessOrders.name);

  constructor(
    private readonly repo: BusinessRepository,
    private readonly whatsapp: BusinessPort,
    private readonly sessions: SessionManager,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
  ) {}

  onModuleInit(): void {
    this.sessions.onChannelEvent('messages', async (channelId, event: MessagingEvent) => {
      // orders in the phone's history are orders the business received, as live ones are
      const messages = event.type === 'message' ? [event.message] : event.type === 'history' ? event.messages : [];
      for (const message of messages) {
        if (message.content.type !== 'order' || message.key.fromMe) continue;
        await this.record(channelId, message).catch((error: unknown) =>
          this.logger.error({ err: error, channel_id: channelId }, 'order not recorded'),
        );
      }
    });
  }

  async list(channel: ChannelRef, query: PageQuery): Promise<Page<Order>> {
    await refuseIfPersonal(this.whatsapp, channel);
    const rows = await this.repo.listOrders(channel.id, decodeCursor(query.cursor, idOf('ord')), query.limit + 1);
    const page = toPage(rows, query.limit, (row) => row);
    return { ...page, data: await Promise.all(page.data.map((row) => this.present(row))) };
  }

  async get(channel: ChannelRef, orderId: string): Promise<Order> {
    await refuseIfPersonal(this.whatsapp, channel);
    let row = isIdOf('ord', orderId) ? await this.repo.findOrder(channel.id, orderId) : null;
    if (!row) throw new AppError('not_found', `No order ${orderId} on this channel.`);
    // details WhatsApp could not give when the order came are asked again while the socket is live
    if (row.items === null && (await this.whatsapp.isBusiness(channel.id))) row = await this.fillDetails(row);
    return this.present(row);
  }

  private async record(channelId: string, message: InboundWireMessage): Promise<void> {
    const order = message.content as WireOrder;
    const owner = await this.channels.owner(channelId);
    if (!owner) return;
    const { row, created } = await this.repo.createOrder({
      id: newId('ord'),
      channelId,
      customerId: owner.customerId,
      waOrderId: order.orderId,
      waMessageId: message.key.waMessageId,
      chatJid: message.key.chatJid,
      senderJid: message.senderJid,
      token: order.token,
      status: STATUS[order.status],
      itemCount: order.itemCount,
      totalAmount1000: order.totalAmount1000 !== undefined ? BigInt(order.totalAmount1000) : null,
      currency: order.currency ?? null,
      title: order.title ?? null,
      text: order.text ?? null,
    });
    if (created) await this.fillDetails(row);
  }

  private async fillDetails(row: OrderRow): Promise<OrderRow> {
    try {
      const details = await this.whatsapp.orderDetails(row.channelId, row.waOrderId, row.token);
      const known = new Map(
        (
          await this.repo.byWaProductIds(
            row.channelId,
            details.items.map((i) => i.productId),
          )
        ).map((p) => [p.waProductId, p]),
      );
      const items: OrderItemRecord[] = details.items.map((item) => ({
        wa_product_id: item.productId,
        retailer_id: known.get(item.productId)?.retailerId ?? null,
        product_id: known.get(item.productId)?.id ?? null,
        name: item.name,
        image_url: item.imageUrl,
        quantity: item.quantity,
        price_amount_1000: item.price,
        currency: item.currency,
      }));
      return await this.repo.saveOrderDetails(row.id, { items: items as unknown as Prisma.InputJsonValue, detailsError: null });
    } catch (error) {
      this.logger.warn({ err: error, order: row.id }, 'order details not available');
      return this.repo.saveOrderDetails(row.id, { detailsError: toSyncError(error) });
    }
  }

  private async present(row: OrderRow): Promise<Order> {
    const message = await this.messages.findByWaId(row.channelId, row.waMessageId);
    return toOrder(row, message?.id ?? null);
  }
}
