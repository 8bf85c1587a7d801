import { Boom } from '@hapi/boom';
import { classifyClose } from './close-cause';

describe(classifyClose.name, () => {
  const boom = (statusCode: number, message = 'x') => new Boom(message, { statusCode });

  it.each([
    [515, true, 'restart_required'],
    [401, true, 'logged_out'],
    [440, true, 'replaced'],
    [408, true, 'connection_lost'],
    [408, false, 'pairing_timeout'],
    [428, true, 'connection_lost'],
    [500, true, 'other'],
  ])('reads %d (registered: %s) as %s', (code, registered, cause) => {
    expect(classifyClose(boom(code), registered)).toMatchObject({ cause, code });
  });

  it('reads a close without an error as a lost connection', () => {
    expect(classifyClose(undefined, true)).toMatchObject({ cause: 'connection_lost', code: null });
  });
});
