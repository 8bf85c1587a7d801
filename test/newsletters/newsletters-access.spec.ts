import { useTestContext } from '../support/context';
import { channelOperations, refusalsOfEveryRoute } from '../support/route-access';

/**
 * Every newsletter route, as the published document lists them, turns away the callers the channel guard
 * must (no key, another customer's key, a key scoped to another channel, a live key) and answers
 * channel_unavailable without a live socket, before WhatsApp is asked; a route added later is walked too.
 */
describe('Newsletters access on every route', () => {
  const ctx = useTestContext();

  it('refuses other customers, scoped and live keys, and a channel without a live socket, on every route', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const operations = await channelOperations(ctx.http, 'newsletters', {
      newsletterId: '120363400000000001@newsletter',
      inviteCode: 'AbCdEfGh1234',
      contact: '+15550001234',
      serverId: '100',
    });
    expect(operations.map((operation) => operation.name).sort()).toEqual(
      [
        'GET /v1/channels/{channelId}/newsletters',
        'POST /v1/channels/{channelId}/newsletters',
        'GET /v1/channels/{channelId}/newsletters/link/{inviteCode}',
        'POST /v1/channels/{channelId}/newsletters/invite/{inviteCode}/subscription',
        'DELETE /v1/channels/{channelId}/newsletters/invite/{inviteCode}/subscription',
        'GET /v1/channels/{channelId}/newsletters/{newsletterId}',
        'PATCH /v1/channels/{channelId}/newsletters/{newsletterId}',
        'DELETE /v1/channels/{channelId}/newsletters/{newsletterId}',
        'POST /v1/channels/{channelId}/newsletters/{newsletterId}/subscription',
        'DELETE /v1/channels/{channelId}/newsletters/{newsletterId}/subscription',
        'POST /v1/channels/{channelId}/newsletters/{newsletterId}/mute',
        'DELETE /v1/channels/{channelId}/newsletters/{newsletterId}/mute',
        'DELETE /v1/channels/{channelId}/newsletters/{newsletterId}/admins/{contact}',
        'GET /v1/channels/{channelId}/newsletters/{newsletterId}/messages',
        'POST /v1/channels/{channelId}/newsletters/{newsletterId}/messages',
        'PUT /v1/channels/{channelId}/newsletters/{newsletterId}/messages/{serverId}/reaction',
        'DELETE /v1/channels/{channelId}/newsletters/{newsletterId}/messages/{serverId}/reaction',
      ].sort(),
    );
    expect(await refusalsOfEveryRoute(ctx, operations, channel)).toEqual([]);
  });
});
