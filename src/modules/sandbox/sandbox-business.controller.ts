import { Body, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import type { ChannelRef as ChannelRefType } from '../channels/channels.contracts';
import { TestKeyGuard } from './test-key.guard';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');

const placeOrderSchema = z.strictObject({
  from: e164.describe('The simulated customer placing the order.'),
  items: z
    .array(z.strictObject({ wa_product_id: z.string().regex(/^\d{1,20}$/), quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(50),
  text: z.string().max(1000).optional().describe("The customer's note."),
});
class SandboxPlaceOrderDto extends createZodDto(placeOrderSchema) {}

const placedOrderSchema = z
  .object({
    wa_order_id: z.string(),
    wa_message_id: z.string(),
    total_amount_1000: z.number().int(),
    currency: z.string(),
  })
  .meta({ id: 'SandboxPlacedOrder' });
class SandboxPlacedOrderDto extends createZodDto(z.object(placedOrderSchema.shape)) {}

const phoneProductSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(5000).optional(),
    price_amount_1000: z.number().int().min(0).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    hidden: z.boolean().optional(),
    deleted: z.boolean().optional().describe('The phone deletes the product.'),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one field' });
class SandboxPhoneProductDto extends createZodDto(phoneProductSchema) {}

const phoneProductResultSchema = z
  .object({
    wa_product_id: z.string(),
    retailer_id: z.string(),
    name: z.string(),
    price_amount_1000: z.number().int(),
    deleted: z.boolean(),
  })
  .meta({ id: 'SandboxPhoneProduct' });
class SandboxPhoneProductResultDto extends createZodDto(z.object(phoneProductResultSchema.shape)) {}

/**
 * The channel's WhatsApp Business phone and its customers (test keys only): a simulated customer orders from
 * the catalog (an order message, with the details WhatsApp answers for it), and the phone changes a product
 * of its catalog, as the Business app does, for POST …/business/catalog/sync to find.
 */
@ApiTags('Sandbox')
@ChannelController('', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxBusinessController {
  constructor(private readonly network: SandboxNetwork) {}

  @Post('business/orders')
  @ApiRoute({
    summary: "A simulated customer orders from the channel's catalog (test keys only)",
    status: 201,
    response: SandboxPlacedOrderDto,
    errors: ['validation', 'not_found', 'not_business_account'],
    audit: { action: 'sandbox.business_order', resourceType: 'channel' },
    needs: 'active',
  })
  async placeOrder(@Channel() channel: ChannelRef, @Body() body: SandboxPlaceOrderDto) {
    const phone = await this.businessPhone(channel);
    const simulator = await this.network.simulator();
    const catalog = new Set((await simulator.catalog(phone)).map((p) => p.id));
    const missing = body.items.findIndex((i) => !catalog.has(i.wa_product_id));
    if (missing >= 0)
      throw new AppError('not_found', `The catalog has no product ${body.items[missing].wa_product_id} (items[${missing}]).`);
    const from = body.from.slice(1);
    await simulator.createPhone(from);
    const placed = await simulator.placeOrder(
      from,
      phone,
      body.items.map((i) => ({ productId: i.wa_product_id, quantity: i.quantity })),
      body.text,
    );
    return { wa_order_id: placed.orderId, wa_message_id: placed.messageId, total_amount_1000: placed.total, currency: placed.currency };
  }

  @Put('business/products/:waProductId')
  @ApiRoute({
    summary: "The channel's phone changes or deletes a product of its catalog (test keys only)",
    status: 200,
    response: SandboxPhoneProductResultDto,
    errors: ['validation', 'not_found', 'not_business_account'],
    audit: { action: 'sandbox.business_product', resourceType: 'channel' },
    needs: 'active',
  })
  async changeProduct(@Channel() channel: ChannelRef, @Param('waProductId') waProductId: string, @Body() body: SandboxPhoneProductDto) {
    const phone = await this.businessPhone(channel);
    const simulator = await this.network.simulator();
    const product = (await simulator.catalog(phone)).find((p) => p.id === waProductId);
    if (!product) throw new AppError('not_found', `The catalog has no product ${waProductId}.`);
    if (body.deleted) {
      await simulator.deleteProductOnPhone(phone, waProductId);
      return {
        wa_product_id: product.id,
        retailer_id: product.retailerId,
        name: product.name,
        price_amount_1000: Number(product.price),
        deleted: true,
      };
    }
    const changed = await simulator.editProductOnPhone(phone, waProductId, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.price_amount_1000 !== undefined ? { price: String(body.price_amount_1000) } : {}),
      ...(body.currency !== undefined ? { currency: body.currency } : {}),
      ...(body.hidden !== undefined ? { hidden: body.hidden } : {}),
    });
    return {
      wa_product_id: changed.id,
      retailer_id: changed.retailerId,
      name: changed.name,
      price_amount_1000: Number(changed.price),
      deleted: false,
    };
  }

  private async businessPhone(channel: ChannelRefType): Promise<string> {
    if (!channel.phoneNumber) {
      throw new AppError('invalid_request', 'The channel is not paired with a phone yet.', { details: { reason: 'not_paired' } });
    }
    const phone = channel.phoneNumber.replace(/^\+/, '');
    if (!(await (await this.network.simulator()).isBusiness(phone))) {
      throw new AppError('not_business_account', "The channel's phone is a personal WhatsApp account: it has no catalog.");
    }
    return phone;
  }
}
