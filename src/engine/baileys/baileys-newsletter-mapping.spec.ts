import { AppError } from '../../platform/errors/app-error';
import { toNewsletterAppError, toWireNewsletter, whatsappRefusal } from './baileys-newsletter-mapping';

describe('newsletter mapping', () => {
  it('reads WhatsApp’s GraphQL newsletter object in the gateway’s terms', () => {
    const wire = toWireNewsletter({
      id: '120363400000000001@newsletter',
      state: { type: 'ACTIVE' },
      thread_metadata: {
        creation_time: '1700000000',
        name: { text: 'News' },
        description: { text: '' },
        handle: null,
        invite: 'AbCdEf123456',
        picture: { direct_path: '' },
        settings: { reaction_codes: { value: 'BASIC' } },
        subscribers_count: '12',
        verification: 'VERIFIED',
      },
      viewer_metadata: { mute: 'ON', role: 'SUBSCRIBER' },
    });
    expect(wire).toEqual({
      jid: '120363400000000001@newsletter',
      name: 'News',
      description: null,
      inviteCode: 'AbCdEf123456',
      handle: null,
      subscribers: 12,
      verified: true,
      createdAt: new Date(1_700_000_000_000),
      state: 'ACTIVE',
      picturePath: null,
      role: 'subscriber',
      muted: true,
      reactions: 'basic',
    });
  });

  it('leaves out what WhatsApp did not say', () => {
    expect(toWireNewsletter({ id: 'x@newsletter' })).toMatchObject({
      name: '',
      subscribers: null,
      createdAt: null,
      role: null,
      muted: false,
      reactions: null,
    });
    expect(() => toWireNewsletter({})).toThrow(AppError);
  });

  it('maps WhatsApp’s refusals to stable codes, a 409 named for the operation', () => {
    const cases: [number, string, [string, number, string]][] = [
      [404, 'get', ['not_found', 404, 'newsletter_not_found']],
      [401, 'update', ['other', 403, 'not_admin']],
      [403, 'unfollow', ['other', 403, 'not_allowed']],
      [409, 'follow', ['other', 409, 'already_following']],
      [409, 'unfollow', ['other', 409, 'not_following']],
      [400, 'react', ['invalid_request', 400, 'whatsapp_bad_request']],
      [429, 'list', ['rate_limited', 429, 'whatsapp_rate_limited']],
    ];
    for (const [status, op, expected] of cases) {
      const error = toNewsletterAppError(whatsappRefusal('refused', status), op);
      expect([status, op, error.code, error.status, (error.details as { reason: string }).reason]).toEqual([status, op, ...expected]);
    }
    // Baileys raises a GraphQL error as a Boom whose status is the error code and whose data is the error object
    const boom = Object.assign(new Error('GraphQL server error: Not found'), {
      isBoom: true,
      data: { message: 'Not found', extensions: { error_code: 404 } },
      output: { statusCode: 404 },
    });
    expect(toNewsletterAppError(boom, 'get')).toMatchObject({ code: 'not_found', details: { operation: 'newsletters.get' } });
  });
});
