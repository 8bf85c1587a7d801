import { BAILEYS_QUERY_TIMEOUT_MS } from './baileys-session-manager';
import { DEFAULT_TIMEOUT_MS } from './baileys-sockets';
import { SEND_TIMEOUT_MS } from './ops/baileys-messaging';
import { POST_TIMEOUT_MS } from './ops/baileys-stories';

describe("Baileys' request timeout", () => {
  // Past it Baileys reports a request as answered with nothing: every operation's own bound must fail first.
  it('is longer than the longest bound the gateway puts on an operation', () => {
    for (const bound of [SEND_TIMEOUT_MS, POST_TIMEOUT_MS, DEFAULT_TIMEOUT_MS]) expect(BAILEYS_QUERY_TIMEOUT_MS).toBeGreaterThan(bound);
  });
});
