import { AppError } from '../../platform/errors/app-error';
import { toAppError, toGroupAppError } from './baileys-errors';

/** How Baileys raises a refused IQ: a Boom whose status is WhatsApp's error code (no import of Boom needed). */
function boom(statusCode: number, message: string) {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: {}, headers: {} } });
}

describe('toAppError (WhatsApp failures → stable codes)', () => {
  it.each([
    [400, 'bad-request', 'invalid_request', 400, 'whatsapp_bad_request'],
    [401, 'not-authorized', 'channel_unavailable', 409, 'logged_out'],
    [403, 'forbidden', 'other', 403, 'whatsapp_forbidden'],
    [404, 'item-not-found', 'not_found', 404, 'whatsapp_not_found'],
    [406, 'not-acceptable', 'invalid_request', 400, 'whatsapp_not_acceptable'],
    [408, 'Timed Out', 'channel_unavailable', 409, 'whatsapp_timeout'],
    [409, 'conflict', 'other', 409, 'whatsapp_conflict'],
    [428, 'Connection Closed', 'channel_unavailable', 409, 'connection_closed'],
    [429, 'rate-overlimit', 'rate_limited', 429, 'whatsapp_rate_limited'],
    [440, 'conflict', 'channel_unavailable', 409, 'connection_replaced'],
    [500, 'internal-server-error', 'other', 502, 'whatsapp_error'],
    [503, 'service-unavailable', 'other', 502, 'whatsapp_unavailable'],
    [501, 'feature-not-implemented', 'other', 502, 'whatsapp_error'],
    [419, 'resource-limit', 'invalid_request', 400, 'whatsapp_bad_request'],
  ])('WhatsApp %i %s → %s (%i, reason %s)', (status, text, code, httpStatus, reason) => {
    const error = toAppError(boom(status, text), 'groups.create');
    expect(error).toBeInstanceOf(AppError);
    expect({ code: error.code, status: error.status }).toEqual({ code, status: httpStatus });
    expect(error.details).toEqual({ reason, operation: 'groups.create', whatsapp_status: status, whatsapp_text: text });
  });

  it('reads the code of a refused IQ from the Boom Baileys raises for it (the code in data, status 500)', () => {
    const refused = Object.assign(new Error('item-not-found'), {
      isBoom: true,
      data: 404,
      output: { statusCode: 500, payload: {}, headers: {} },
    });
    expect(toAppError(refused, 'blocklist.block')).toMatchObject({
      code: 'not_found',
      details: { reason: 'whatsapp_not_found', whatsapp_status: 404 },
    });
  });

  it('reads a connection that went away without a status as closed', () => {
    const error = toAppError(new Error('Connection Closed'), 'messages.send');
    expect(error).toMatchObject({ code: 'channel_unavailable', details: { reason: 'connection_closed', operation: 'messages.send' } });
  });

  it('keeps an AppError as it is', () => {
    const original = new AppError('not_found', 'no such group');
    expect(toAppError(original, 'groups.get')).toBe(original);
  });

  it('treats a fault that is not WhatsApp’s answer as an internal error, keeping its cause', () => {
    const cause = new TypeError('cannot read properties of undefined');
    const error = toAppError(cause, 'groups.get');
    expect(error).toMatchObject({ code: 'internal_error', status: 500 });
    expect(error.cause).toBe(cause);
  });
});

/** A refused IQ as Baileys 7 raises it: status 500, WhatsApp's code in `data`. */
function iqRefusal(code: number, text: string) {
  return Object.assign(new Error(text), { isBoom: true, data: code, output: { statusCode: 500, payload: {}, headers: {} } });
}

describe('toGroupAppError (group refusals → stable codes and reasons)', () => {
  it.each([
    [401, 'not-authorized', 'other', 403, 'not_admin'],
    [403, 'forbidden', 'other', 403, 'not_member'],
    [404, 'item-not-found', 'not_found', 404, 'group_not_found'],
    [406, 'not-acceptable', 'invalid_request', 400, 'invite_invalid'],
    [410, 'gone', 'other', 410, 'invite_revoked'],
  ])('WhatsApp %i %s → %s (%i, reason %s)', (status, text, code, httpStatus, reason) => {
    const error = toGroupAppError(iqRefusal(status, text), 'groups.get');
    expect({ code: error.code, status: error.status, details: error.details }).toEqual({
      code,
      status: httpStatus,
      details: { reason, operation: 'groups.get', whatsapp_status: status, whatsapp_text: text },
    });
  });

  it('reads a conflict as the operation says (already a member when joining), else as WhatsApp’s conflict', () => {
    expect(toGroupAppError(iqRefusal(409, 'conflict'), 'groups.acceptInvite', 'already_member').details).toMatchObject({
      reason: 'already_member',
    });
    expect(toGroupAppError(iqRefusal(409, 'conflict'), 'groups.setDescription').details).toMatchObject({ reason: 'whatsapp_conflict' });
  });

  it('passes other refusals to the general table by WhatsApp’s code', () => {
    expect(toGroupAppError(iqRefusal(429, 'rate-overlimit'), 'groups.list')).toMatchObject({ code: 'rate_limited' });
    expect(toGroupAppError(new Error('Connection Closed'), 'groups.list').details).toMatchObject({ reason: 'connection_closed' });
  });
});
