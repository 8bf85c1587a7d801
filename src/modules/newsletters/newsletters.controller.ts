import { Body, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { RequestId } from '../../platform/http/request-id';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { SendResultDto } from '../messages/messages.contracts';
import { parseNewsletterJid, parseParticipant } from '../whatsapp/jid';
import {
  CreateNewsletterDto,
  DeletedNewsletterDto,
  DemotedAdminDto,
  ListNewslettersQueryDto,
  ListPostsQueryDto,
  MuteDto,
  NewsletterDto,
  NewsletterPageDto,
  parseInviteCode,
  parseServerId,
  PostPageDto,
  ReactedDto,
  ReactionDto,
  SubscriptionDto,
  UpdateNewsletterDto,
} from './newsletters.contracts';
import { NewslettersService } from './newsletters.service';

const NEEDS_SOCKET = 'Newsletters are read and changed on WhatsApp';
/** The newsletter in the path, read before the channel's state is: a malformed id is 400 whatever the state. */
const NEWSLETTER_PATH = { newsletterId: (value: string) => parseNewsletterJid(value) };
const INVITE_PATH = { inviteCode: parseInviteCode };

/**
 * WhatsApp's refusals, as the engine maps them (`details.reason` says which): an unknown newsletter, post or
 * admin (404), not its admin or owner, or an owner leaving its own newsletter (403), already following or not
 * following (409), a request WhatsApp refused as malformed or a reaction the newsletter does not allow (400),
 * WhatsApp rate-limiting the account (429) or failing (502).
 */
const REFUSALS: ErrorItem[] = [
  'validation',
  'not_found',
  'rate_limited',
  { code: 'other', status: 403 },
  { code: 'other', status: 409 },
  { code: 'other', status: 502 },
];

@ApiTags('Newsletters')
@ChannelController('newsletters')
export class NewslettersController {
  constructor(private readonly newsletters: NewslettersService) {}

  @Get()
  @ApiRoute({
    summary: 'The newsletters this account follows or runs, ordered by JID (one request to WhatsApp)',
    status: 200,
    response: NewsletterPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListNewslettersQueryDto) {
    return this.newsletters.list(channel, query);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a newsletter (WhatsApp Channel) owned by this account',
    status: 201,
    response: NewsletterDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.create', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
  })
  create(@Channel() channel: ChannelRef, @Body() body: CreateNewsletterDto) {
    return this.newsletters.create(channel, body);
  }

  @Get('link/:inviteCode')
  @ApiRoute({
    summary: 'Preview a newsletter from its invite code (https://whatsapp.com/channel/<code>), without following it',
    status: 200,
    response: NewsletterDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: INVITE_PATH,
  })
  preview(@Channel() channel: ChannelRef, @Param('inviteCode') inviteCode: string) {
    return this.newsletters.preview(channel, inviteCode);
  }

  @Post('invite/:inviteCode/subscription')
  @ApiRoute({
    summary: 'Follow the newsletter an invite code names',
    status: 200,
    response: SubscriptionDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.follow', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: INVITE_PATH,
  })
  followByInvite(@Channel() channel: ChannelRef, @Param('inviteCode') inviteCode: string) {
    return this.newsletters.followByInvite(channel, inviteCode, true);
  }

  @Delete('invite/:inviteCode/subscription')
  @ApiRoute({
    summary: 'Stop following the newsletter an invite code names',
    status: 200,
    response: SubscriptionDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.unfollow', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: INVITE_PATH,
  })
  unfollowByInvite(@Channel() channel: ChannelRef, @Param('inviteCode') inviteCode: string) {
    return this.newsletters.followByInvite(channel, inviteCode, false);
  }

  @Get(':newsletterId')
  @ApiRoute({
    summary: 'A newsletter: name, description, link, followers, this account’s role, mute and the reaction setting',
    status: 200,
    response: NewsletterDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  get(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.get(channel, newsletterId);
  }

  @Patch(':newsletterId')
  @ApiRoute({
    summary: 'Rename a newsletter, change its description or picture, or what followers may react with (admins only)',
    status: 200,
    response: NewsletterDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.update', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  update(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Body() body: UpdateNewsletterDto) {
    return this.newsletters.update(channel, newsletterId, body);
  }

  @Delete(':newsletterId')
  @ApiRoute({
    summary: 'Delete a newsletter (its owner only): it is gone for every follower',
    status: 200,
    response: DeletedNewsletterDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.delete', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  delete(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.delete(channel, newsletterId);
  }

  @Post(':newsletterId/subscription')
  @ApiRoute({
    summary: 'Follow a newsletter: its posts then arrive as messages',
    status: 200,
    response: SubscriptionDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.follow', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  follow(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.follow(channel, newsletterId, true);
  }

  @Delete(':newsletterId/subscription')
  @ApiRoute({
    summary: 'Stop following a newsletter',
    status: 200,
    response: SubscriptionDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.unfollow', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  unfollow(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.follow(channel, newsletterId, false);
  }

  @Post(':newsletterId/mute')
  @ApiRoute({
    summary: 'Mute a followed newsletter',
    status: 200,
    response: MuteDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.mute', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  mute(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.mute(channel, newsletterId, true);
  }

  @Delete(':newsletterId/mute')
  @ApiRoute({
    summary: 'Unmute a followed newsletter',
    status: 200,
    response: MuteDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.unmute', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  unmute(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string) {
    return this.newsletters.mute(channel, newsletterId, false);
  }

  @Delete(':newsletterId/admins/:contact')
  @ApiRoute({
    summary: 'Take an admin’s rights away (the owner only); they stay a follower',
    status: 200,
    response: DemotedAdminDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.demote', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: { ...NEWSLETTER_PATH, contact: (value: string) => parseParticipant(value, ['contact']) },
  })
  demote(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Param('contact') contact: string) {
    return this.newsletters.demote(channel, newsletterId, contact);
  }

  @Get(':newsletterId/messages')
  @ApiRoute({
    summary: 'The posts of a newsletter, newest first, with views and reaction counts (live from WhatsApp)',
    status: 200,
    response: PostPageDto,
    errors: REFUSALS,
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  posts(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Query() query: ListPostsQueryDto) {
    return this.newsletters.posts(channel, newsletterId, query);
  }

  @Post(':newsletterId/messages')
  @ApiRoute({
    summary: 'Post to a newsletter this account owns or administers (the body of a send, without `to`)',
    description:
      'The same as POST /v1/channels/{channelId}/messages with the newsletter as `to`: stored, queued and sent (in plaintext, as WhatsApp carries posts), `message.sent` once WhatsApp took it. Reactions to posts have their own route.',
    status: 202,
    response: SendResultDto,
    errors: [...REFUSALS, 'concurrent_modification'],
    audit: { action: 'newsletter.post', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: NEWSLETTER_PATH,
  })
  @ApiBody({ schema: { type: 'object', description: 'The body of POST /v1/channels/{channelId}/messages, without `to`.' } })
  post(
    @Channel() channel: ChannelRef,
    @Param('newsletterId') newsletterId: string,
    @Body() body: Record<string, unknown>,
    @RequestId() requestId: string,
  ) {
    return this.newsletters.post(channel, newsletterId, body, requestId);
  }

  @Put(':newsletterId/messages/:serverId/reaction')
  @ApiRoute({
    summary: 'React to a post of a followed newsletter (one emoji; it replaces this account’s earlier reaction)',
    status: 200,
    response: ReactedDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.react', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: { ...NEWSLETTER_PATH, serverId: parseServerId },
  })
  react(
    @Channel() channel: ChannelRef,
    @Param('newsletterId') newsletterId: string,
    @Param('serverId') serverId: string,
    @Body() body: ReactionDto,
  ) {
    return this.newsletters.react(channel, newsletterId, parseServerId(serverId), body.emoji);
  }

  @Delete(':newsletterId/messages/:serverId/reaction')
  @ApiRoute({
    summary: 'Take back this account’s reaction to a post',
    status: 200,
    response: ReactedDto,
    errors: REFUSALS,
    audit: { action: 'newsletter.unreact', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: NEEDS_SOCKET,
    pathIds: { ...NEWSLETTER_PATH, serverId: parseServerId },
  })
  unreact(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Param('serverId') serverId: string) {
    return this.newsletters.react(channel, newsletterId, parseServerId(serverId), null);
  }
}
