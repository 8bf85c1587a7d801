import { Body, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { ListStoriesQueryDto, PostStoryDto, StoryDto, StoryPageDto } from './stories.contracts';
import { StoriesService } from './stories.service';

const LIVE = 'Stories are posted and revoked on WhatsApp';

@ApiTags('Stories')
@ChannelController('stories')
export class StoriesController {
  constructor(private readonly stories: StoriesService) {}

  @Post()
  @ApiRoute({
    summary: "Post a text, image or video story to the channel's contacts or a list of them (connected channels)",
    description:
      'WhatsApp shows a story to the viewers it is sent to only: `audience: "contacts"` sends it to every contact the channel ' +
      'knows (up to 256, most recently heard of first), `{"contacts": [...]}` to those named (1 to 256; more is refused). ' +
      "The channel's own account is always added, so its phone shows the story. Media come by `media_id` or `source_url`, " +
      'as in a message. The story is also kept in history (a message in chat `status@broadcast`). Answers once WhatsApp took it.',
    status: 201,
    response: StoryDto,
    errors: ['validation'],
    audit: { action: 'story.post', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  post(@Channel() channel: ChannelRef, @Body() body: PostStoryDto, @RequestId() requestId: string) {
    return this.stories.post(channel, body, requestId);
  }

  @Get()
  @ApiRoute({
    summary: 'The stories the channel posted that WhatsApp still shows (the last 24 h, not revoked), newest first, with their views',
    status: 200,
    response: StoryPageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListStoriesQueryDto) {
    return this.stories.list(channel, query);
  }

  @Get(':storyId')
  @ApiRoute({
    summary: 'One story the channel posted, with who viewed it',
    description: 'A story revoked or older than 24 h answers 404 `not_found` (`details.reason`: `story_revoked`, `story_expired`).',
    status: 200,
    response: StoryDto,
    errors: ['not_found'],
    needs: 'readable',
  })
  get(@Channel() channel: ChannelRef, @Param('storyId') storyId: string) {
    return this.stories.get(channel, storyId);
  }

  @Delete(':storyId')
  @ApiNoContentResponse({ description: "The story is revoked: its viewers' phones stop showing it; it answers 404 from now on." })
  @ApiRoute({
    summary: 'Revoke a story: WhatsApp takes it down for its viewers (connected channels)',
    status: 204,
    errors: ['not_found'],
    audit: { action: 'story.revoke', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: LIVE,
  })
  revoke(@Channel() channel: ChannelRef, @Param('storyId') storyId: string) {
    return this.stories.revoke(channel, storyId);
  }
}
