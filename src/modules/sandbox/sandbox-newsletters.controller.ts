import { Body, Injectable, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import type { ErrorItem } from '../../platform/openapi/api-error-responses';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseNewsletterJid } from '../whatsapp/jid';
import {
  SandboxCreateNewsletterDto,
  SandboxNewsletterDto,
  SandboxNewsletterFollowDto,
  SandboxNewsletterPostDto,
  SandboxNewsletterPostResultDto,
} from './sandbox-newsletters.contracts';
import { TestKeyGuard } from './test-key.guard';

const NEWSLETTER_PATH = { newsletterId: (value: string) => parseNewsletterJid(value) };
/** WhatsApp refuses a simulated contact as it refuses the channel: not an admin (403), already following (409). */
const AS_PERSON: ErrorItem[] = ['validation', 'not_found', { code: 'other', status: 403 }, { code: 'other', status: 409 }];

const digits = (phone: string) => phone.replace(/\D/g, '');

/**
 * Simulated contacts owning, following and posting to newsletters (test keys only): what people do on their
 * phones, so that a client sees posts of a followed newsletter, and followers of its own, without a phone.
 */
@Injectable()
export class SandboxNewslettersService {
  constructor(private readonly network: SandboxNetwork) {}

  async create(ref: ChannelRef, from: string, name: string, description?: string) {
    await this.ensurePhone(ref, from);
    return toSandboxNewsletter(await this.network.newsletterCreatedBy(digits(from), name, description));
  }

  async follow(ref: ChannelRef, newsletterId: string, from: string) {
    const jid = await this.existing(ref, newsletterId);
    await this.ensurePhone(ref, from);
    return toSandboxNewsletter(await this.network.followNewsletterAs(digits(from), jid));
  }

  async post(ref: ChannelRef, newsletterId: string, from: string, text: string) {
    const jid = await this.existing(ref, newsletterId);
    const { id, serverId } = await this.network.postToNewsletterAs(digits(from), jid, text);
    return { newsletter_id: jid, from: `+${digits(from)}`, wa_message_id: id, server_id: serverId };
  }

  private async existing(ref: ChannelRef, newsletterId: string): Promise<string> {
    this.pairedPhone(ref);
    const jid = parseNewsletterJid(newsletterId);
    if (!(await this.network.newsletter(jid))) throw new AppError('not_found', `The sandbox network has no newsletter ${jid}.`);
    return jid;
  }

  private async ensurePhone(ref: ChannelRef, phone: string): Promise<void> {
    this.pairedPhone(ref);
    await (await this.network.simulator()).createPhone(digits(phone));
  }

  private pairedPhone(channel: ChannelRef): string {
    if (!channel.phoneNumber) {
      throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
        details: { current_state: channel.state },
      });
    }
    return channel.phoneNumber;
  }
}

type NewsletterInfo = NonNullable<Awaited<ReturnType<SandboxNetwork['newsletter']>>>;

function toSandboxNewsletter(newsletter: NewsletterInfo) {
  return {
    newsletter_id: newsletter.id,
    name: newsletter.name,
    owner: `+${newsletter.owner}`,
    invite_code: newsletter.invite,
    followers: newsletter.followers.map((follower) => `+${follower.phone}`),
  };
}

@ApiTags('Sandbox')
@ChannelController('newsletters', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxNewslettersController {
  constructor(private readonly newsletters: SandboxNewslettersService) {}

  @Post()
  @ApiRoute({
    summary: 'A simulated contact creates a newsletter the channel can follow (test keys only)',
    status: 201,
    response: SandboxNewsletterDto,
    errors: ['validation'],
    audit: { action: 'sandbox.newsletter_create', resourceType: 'channel' },
    needs: 'active',
  })
  create(@Channel() channel: ChannelRef, @Body() body: SandboxCreateNewsletterDto) {
    return this.newsletters.create(channel, body.from, body.name, body.description);
  }

  @Post(':newsletterId/followers')
  @ApiRoute({
    summary: 'A simulated contact follows a newsletter, the channel’s own included (test keys only)',
    status: 200,
    response: SandboxNewsletterDto,
    errors: AS_PERSON,
    audit: { action: 'sandbox.newsletter_follow', resourceType: 'channel' },
    needs: 'active',
    pathIds: NEWSLETTER_PATH,
  })
  follow(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Body() body: SandboxNewsletterFollowDto) {
    return this.newsletters.follow(channel, newsletterId, body.from);
  }

  @Post(':newsletterId/messages')
  @ApiRoute({
    summary: 'A simulated owner or admin posts text to its newsletter; followers, the channel among them, receive it (test keys only)',
    status: 202,
    response: SandboxNewsletterPostResultDto,
    errors: AS_PERSON,
    audit: { action: 'sandbox.newsletter_post', resourceType: 'channel' },
    needs: 'active',
    pathIds: NEWSLETTER_PATH,
  })
  post(@Channel() channel: ChannelRef, @Param('newsletterId') newsletterId: string, @Body() body: SandboxNewsletterPostDto) {
    return this.newsletters.post(channel, newsletterId, body.from, body.text);
  }
}
