import { useTestContext } from '../support/context';
import { digits } from '../support/phones';

describe('The WhatsApp Web version a socket announces', () => {
  const ctx = useTestContext({ waVersion: [2, 3000, 1012345678] });

  it('is WA_VERSION when set, as WhatsApp sees it at login', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const [companion] = ctx.simulator.companions(digits(channel.phone));
    expect(companion.appVersion).toBe('2.3000.1012345678');
  });
});
