import { SAMPLES } from '../media/source-server';
import { digits, newPhone } from '../support/phones';
import { useTestContext } from '../support/context';
import type { TestChannel } from '../support/channels';
import { testConfig } from '../support/gateway';
import { bearer } from '../support/http';
import { SseClient } from '../support/sse';
import { eventually, Received, Receiver } from './support/receiver';
import { createEndpoint } from './support/webhooks';

/** Links live this long here (MEDIA_URL_TTL_SECONDS is 15 minutes by default)... */
const LINK_TTL_SECONDS = 3;
/** ...and a failed delivery is retried after longer than that, as the last retry of the default schedule is. */
const RETRY_AFTER_MS = 5_000;

type ImagePayload = { message: { type: string; image: { media_id: string; url?: string } } };

/** The unix second a signed link (`/v1/media/<id>.<expiry>.<mac>`) expires at. */
function expiryOf(url: string): number {
  return Number(new URL(url).pathname.split('/').pop()!.split('.')[1]);
}

describe('Signed media links in events', () => {
  const ctx = useTestContext(() => {
    const defaults = testConfig();
    return {
      egressAllowedHosts: ['127.0.0.1'],
      media: { ...defaults.media, urlTtlSeconds: LINK_TTL_SECONDS },
      webhooks: { ...defaults.webhooks, retryScheduleMs: [RETRY_AFTER_MS] },
    };
  });
  let receiver: Receiver;
  let channel: TestChannel;
  let contact: string;
  let mediaId: string;

  beforeAll(async () => {
    // The first delivery to /retried fails, so the event is sent again RETRY_AFTER_MS later.
    receiver = await Receiver.start((request) => (request.path === '/retried' && receiver.at('/retried').length === 1 ? 500 : 200));
    channel = await ctx.newChannel({ paired: true });
    contact = newPhone();
    ctx.simulator.createPhone(digits(contact), { pushName: 'Mia' });
    await createEndpoint(ctx.gw, channel.key, { url: receiver.url('/retried'), events: ['message.received'] });
    await ctx.simulator.send(digits(contact), digits(channel.phone), { type: 'image', data: SAMPLES.jpeg(), mimetype: 'image/jpeg' });
    const [event] = await eventually(async () => {
      const events = await channel.events('message.received');
      return events.length > 0 && events;
    });
    mediaId = (event as ImagePayload).message.image.media_id;
  });
  afterAll(async () => {
    await receiver.close();
  });

  /** Whether the link works now: GET answers the bytes. */
  async function works(url: string): Promise<number> {
    return (await ctx.http.get(new URL(url).pathname)).status;
  }

  it('stores the media id of an inbound message.received, never a link that would expire', async () => {
    const [stored] = (await channel.events('message.received')) as ImagePayload[];
    expect(stored.message.image.media_id).toBe(mediaId);
    expect(stored.message.image.url).toBeUndefined();
  });

  it('mints the link of a webhook retry when it is sent, so it works after the first one expired', async () => {
    const [first, retry] = await eventually(() => receiver.at('/retried').length >= 2 && receiver.at('/retried'), RETRY_AFTER_MS + 15_000);
    const retryUrl = (retry.body.payload as ImagePayload).message.image.url!;
    expect(await works(retryUrl)).toBe(200);
    const linkOf = (received: Received) => (received.body.payload as ImagePayload).message.image.url!;
    for (const attempt of [first, retry]) {
      expect(expiryOf(linkOf(attempt)) * 1000).toBeGreaterThan(attempt.receivedAt);
      expect(expiryOf(linkOf(attempt)) * 1000).toBeLessThanOrEqual(attempt.receivedAt + LINK_TTL_SECONDS * 1000);
    }
    expect(retry.receivedAt - first.receivedAt).toBeGreaterThan(LINK_TTL_SECONDS * 1000);
    expect(await works(linkOf(first))).toBe(410);
  });

  it("shows a delivery's payload with a link minted when it is read", async () => {
    const [first] = receiver.at('/retried');
    const shown = await ctx.http.get(`/v1/webhook-deliveries/${first.body.id}`).set(bearer(channel.key)).expect(200);
    const url = (shown.body.payload as ImagePayload).message.image.url!;
    expect(url).not.toBe((first.body.payload as ImagePayload).message.image.url);
    expect(await works(url)).toBe(200);
  });

  it('mints the link of an event replayed over SSE when it is written', async () => {
    // The event is older than a link lives by now (the previous test waited out a retry).
    const stream = await SseClient.open(ctx.gw, `/v1/channels/${channel.id}/events`, channel.key, '0');
    try {
      const replayed = await eventually(() => stream.events.find((event) => event.event === 'message.received'));
      const url = (replayed.data.payload as ImagePayload).message.image.url!;
      expect(url).toContain(`/v1/media/${mediaId}.`);
      expect(await works(url)).toBe(200);
    } finally {
      stream.close();
    }
  });
});
