import { Boom } from '@hapi/boom';
import { isStrayBaileysRejection } from './stray-rejections';

describe(isStrayBaileysRejection.name, () => {
  it("recognises bare close codes and Baileys' timed-out or closed queries", () => {
    expect(isStrayBaileysRejection(1005)).toBe(true);
    expect(isStrayBaileysRejection(new Boom('Timed Out', { statusCode: 408 }))).toBe(true);
    expect(isStrayBaileysRejection(new Boom('Connection Closed', { statusCode: 428 }))).toBe(true);
  });

  it('leaves every other rejection to fail the process', () => {
    expect(isStrayBaileysRejection(new Error('boom'))).toBe(false);
    expect(isStrayBaileysRejection(new Boom('Unauthorized', { statusCode: 401 }))).toBe(false);
    expect(isStrayBaileysRejection(42)).toBe(false);
    expect(isStrayBaileysRejection(undefined)).toBe(false);
  });
});
