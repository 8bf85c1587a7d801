import { AppError } from '../../platform/errors/app-error';
import {
  bulkImportSchema,
  createProductSchema,
  productFieldsOf,
  sameFields,
  toSyncError,
  updateBusinessProfileSchema,
} from './business.contracts';
import type { ProductRow } from './business.repository';

const input = { retailer_id: 'SKU-1', name: 'Bread', price_amount_1000: 2500, currency: 'EUR' };

describe('business contracts', () => {
  it('reads a product input into stored fields with their defaults', () => {
    expect(productFieldsOf(createProductSchema.parse(input))).toEqual({
      retailerId: 'SKU-1',
      name: 'Bread',
      description: '',
      priceAmount1000: 2500n,
      salePriceAmount1000: null,
      currency: 'EUR',
      images: [],
      url: null,
      availability: 'in_stock',
      hidden: false,
      originCountry: null,
    });
  });

  it('tells an unchanged product from a changed one', () => {
    const fields = productFieldsOf(createProductSchema.parse(input));
    const row = { ...fields } as unknown as ProductRow;
    expect(sameFields(row, fields)).toBe(true);
    expect(sameFields(row, { ...fields, priceAmount1000: 2600n })).toBe(false);
    expect(sameFields(row, { ...fields, images: [{ media_id: 'med_x' }] })).toBe(false);
  });

  it('refuses a sale price at or above the price, and names an invalid bulk item by index', () => {
    expect(createProductSchema.safeParse({ ...input, sale_price_amount_1000: 2500 }).success).toBe(false);
    const bad = bulkImportSchema.safeParse({ products: [input, { ...input, retailer_id: 'B', currency: 'eur' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['products', 1, 'currency']);
  });

  it('refuses the read-only category and unpaired opening times in a profile change', () => {
    expect(updateBusinessProfileSchema.safeParse({ category: 'Bakery' }).success).toBe(false);
    expect(
      updateBusinessProfileSchema.safeParse({ hours: { timezone: 'UTC', days: [{ day: 'mon', mode: 'open_24h', open_minute: 1 }] } })
        .success,
    ).toBe(false);
    expect(updateBusinessProfileSchema.safeParse({ hours: { timezone: 'UTC', days: [{ day: 'mon', mode: 'open_24h' }] } }).success).toBe(
      true,
    );
  });

  it("keeps WhatsApp's refusal as a sync error, and hides anything else", () => {
    const refusal = new AppError('rate_limited', 'slow down', { details: { reason: 'whatsapp_rate_limited' } });
    expect(toSyncError(refusal)).toEqual({ code: 'rate_limited', message: 'slow down', reason: 'whatsapp_rate_limited' });
    expect(toSyncError(new Error('boom'))).toEqual({ code: 'internal_error', message: 'The sync failed unexpectedly.', reason: null });
  });
});
