import { useTestContext } from '../support/context';
import { channelOperations, refusalsOfEveryRoute } from '../support/route-access';

/**
 * Every community route, as the published document lists them, turns away the callers the channel guard
 * must (no key, another customer's key, a key scoped to another channel, a live key) and answers
 * channel_unavailable without a live socket, before WhatsApp is asked; a route added later is walked too.
 */
describe('Communities access on every route', () => {
  const ctx = useTestContext();

  it('refuses other customers, scoped and live keys, and a channel without a live socket, on every route', async () => {
    const channel = await ctx.newChannel({ paired: true });
    const operations = await channelOperations(ctx.http, 'communities', {
      communityId: '120363000000000001@g.us',
      groupId: '120363000000000002@g.us',
    });
    expect(operations.map((operation) => operation.name).sort()).toEqual(
      [
        'GET /v1/channels/{channelId}/communities',
        'POST /v1/channels/{channelId}/communities',
        'GET /v1/channels/{channelId}/communities/{communityId}',
        'POST /v1/channels/{channelId}/communities/{communityId}',
        'GET /v1/channels/{channelId}/communities/{communityId}/subgroups',
        'PUT /v1/channels/{channelId}/communities/{communityId}/{groupId}',
        'DELETE /v1/channels/{channelId}/communities/{communityId}/{groupId}',
        'POST /v1/channels/{channelId}/communities/{communityId}/participants',
        'DELETE /v1/channels/{channelId}/communities/{communityId}/participants',
        'PATCH /v1/channels/{channelId}/communities/{communityId}/admins',
        'DELETE /v1/channels/{channelId}/communities/{communityId}/admins',
        'PATCH /v1/channels/{channelId}/communities/{communityId}/settings',
        'DELETE /v1/channels/{channelId}/communities/{communityId}/link',
      ].sort(),
    );
    expect(await refusalsOfEveryRoute(ctx, operations, channel)).toEqual([]);
  });
});
