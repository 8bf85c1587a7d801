import { digits, MessagingStack } from '../messages/support';

describe('The WhatsApp Web version a socket announces', () => {
  const stack = new MessagingStack();
  beforeAll(() => stack.start({ waVersion: [2, 3000, 1012345678] }));
  afterAll(() => stack.stop());

  it('is WA_VERSION when set, as WhatsApp sees it at login', async () => {
    const channel = await stack.channel();
    const [companion] = stack.simulator.companions(digits(channel.phone));
    expect(companion.appVersion).toBe('2.3000.1012345678');
  });
});
