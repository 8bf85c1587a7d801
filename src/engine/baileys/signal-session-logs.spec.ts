import { dropSignalSessionDumps } from './signal-session-logs';

describe(dropSignalSessionDumps.name, () => {
  function fakeConsole() {
    const lines: unknown[][] = [];
    const target = {
      info: (...args: unknown[]) => lines.push(['info', ...args]),
      warn: (...args: unknown[]) => lines.push(['warn', ...args]),
    };
    return { target: target as unknown as Console, lines };
  }

  it("drops libsignal's session dumps (they carry private keys) and keeps every other line", () => {
    const { target, lines } = fakeConsole();
    dropSignalSessionDumps(target);
    dropSignalSessionDumps(target); // installed twice: still one filter
    const session = { currentRatchet: { ephemeralKeyPair: { privKey: Buffer.from('secret') } } };
    target.info('Closing session:', session);
    target.info('Opening session:', session);
    target.info('Removing old closed session:', session);
    target.warn('Session already closed', session);
    target.warn('Closing open session in favor of incoming prekey bundle');
    target.info('gateway listening', { port: 3000 });
    target.info({ msg: 'an object first' });
    expect(lines).toEqual([
      ['warn', 'Closing open session in favor of incoming prekey bundle'],
      ['info', 'gateway listening', { port: 3000 }],
      ['info', { msg: 'an object first' }],
    ]);
  });
});
