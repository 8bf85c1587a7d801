import { type ArgumentsHost, Logger } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { HttpErrorFilter } from './http-error.filter';

/** What the filter wrote on the response: status, headers and the JSON body. */
function answer(exception: unknown) {
  const written: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const response = {
    headersSent: false,
    locals: {},
    setHeader: (name: string, value: string) => (written.headers[name] = value),
    status: (status: number) => {
      written.status = status;
      return response;
    },
    json: (body: unknown) => (written.body = body),
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/v1/channels/x/connect' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return written;
}

describe('HttpErrorFilter', () => {
  // the filter logs every 5xx; what it logs is not under test here
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('answers a database that could not give a connection in time with 503, Retry-After and the reason', () => {
    const exhausted = new Prisma.PrismaClientKnownRequestError('Transaction API error: Unable to start a transaction in the given time.', {
      code: 'P2028',
      clientVersion: Prisma.prismaVersion.client,
    });
    const written = answer(exhausted);
    expect(written.status).toBe(503);
    expect(written.headers['Retry-After']).toBe('1');
    expect(written.body).toMatchObject({ error: { code: 'internal_error', details: { reason: 'database_unavailable' } } });
  });

  it('answers any other unexpected error with 500 and nothing of its text', () => {
    const written = answer(new Error('relation "secret_table" does not exist'));
    expect(written.status).toBe(500);
    expect(written.headers['Retry-After']).toBeUndefined();
    expect(JSON.stringify(written.body)).not.toContain('secret_table');
  });
});
