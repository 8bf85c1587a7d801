import { randomBytes } from 'crypto';
import { Body, Injectable, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { STORY_FONTS } from '../../engine/ports/stories.port';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { RequestId } from '../../platform/http/request-id';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { causeKey, EventCauses } from '../events/event-causes';
import { StoriesService } from '../stories/stories.service';
import { TestKeyGuard } from './test-key.guard';

const phone = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567');
const FONT_NAMES = Object.keys(STORY_FONTS) as [keyof typeof STORY_FONTS, ...(keyof typeof STORY_FONTS)[]];

export class SandboxStoryDto extends createZodDto(
  z.object({
    from: phone.describe('The simulated contact who posts the story.'),
    text: z.string().trim().min(1).max(700),
    background_color: z
      .string()
      .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour such as #1F8A70')
      .optional(),
    font: z.enum(FONT_NAMES).optional(),
    also_to: z.array(phone).max(20).optional().describe('Other simulated contacts who see the story besides the channel.'),
  }),
) {}

export class SandboxStoryResultDto extends createZodDto(
  z.object({ channel_id: z.string(), from: z.string(), wa_message_id: z.string().describe("WhatsApp's id of the contact's story.") }),
) {}

export class SandboxStoryViewDto extends createZodDto(z.object({ from: phone.describe('The simulated contact who views the story.') })) {}

export class SandboxStoryViewResultDto extends createZodDto(z.object({ channel_id: z.string(), story_id: z.string(), from: z.string() })) {}

/** The sandbox's contacts and stories: a contact posts one the channel sees, or views one the channel posted. */
@Injectable()
export class SandboxStoriesService {
  constructor(
    private readonly network: SandboxNetwork,
    private readonly stories: StoriesService,
    private readonly causes: EventCauses,
  ) {}

  /** Its message.received (`is_story`) names this request as its cause. */
  async post(channel: ChannelRef, body: SandboxStoryDto, requestId: string) {
    const own = pairedNumber(channel);
    const simulator = await this.network.simulator();
    const from = body.from.replace(/\D/g, '');
    await simulator.createPhone(from);
    const others = (body.also_to ?? []).map((p) => p.replace(/\D/g, ''));
    for (const p of others) await simulator.createPhone(p);
    // chosen here so the cause is in place before the channel can see the story
    const waMessageId = `3EB0${randomBytes(10).toString('hex').toUpperCase()}`;
    this.causes.expect(causeKey.inbound(channel.id, waMessageId), requestId);
    await simulator.postStory(
      from,
      [own, ...others],
      { type: 'text', text: body.text },
      { ...(body.background_color ? { background: body.background_color } : {}), ...(body.font ? { font: STORY_FONTS[body.font] } : {}) },
      { id: waMessageId },
    );
    return { channel_id: channel.id, from: `+${from}`, wa_message_id: waMessageId };
  }

  /** Its story.viewed names this request as its cause. */
  async view(channel: ChannelRef, storyId: string, body: SandboxStoryViewDto, requestId: string) {
    const own = pairedNumber(channel);
    const story = await this.stories.get(channel, storyId);
    const viewer = body.from.replace(/\D/g, '');
    const simulator = await this.network.simulator();
    await simulator.createPhone(viewer);
    this.causes.expect(causeKey.storyView(channel.id, story.wa_message_id, viewer), requestId);
    await simulator.viewStory(viewer, own, [story.wa_message_id]);
    return { channel_id: channel.id, story_id: story.id, from: `+${viewer}` };
  }
}

function pairedNumber(channel: ChannelRef): string {
  if (!channel.phoneNumber) {
    throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
      details: { current_state: channel.state },
    });
  }
  return channel.phoneNumber.replace(/\D/g, '');
}

@ApiTags('Sandbox')
@ChannelController('stories', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxStoriesController {
  constructor(private readonly stories: SandboxStoriesService) {}

  @Post()
  @ApiRoute({
    summary: 'A simulated contact posts a text story with the channel among its viewers (test keys only)',
    status: 201,
    response: SandboxStoryResultDto,
    errors: ['validation'],
    audit: { action: 'sandbox.story', resourceType: 'channel' },
    needs: 'active',
  })
  post(@Channel() channel: ChannelRef, @Body() body: SandboxStoryDto, @RequestId() requestId: string) {
    return this.stories.post(channel, body, requestId);
  }

  @Post(':storyId/views')
  @ApiRoute({
    summary: 'A simulated contact views a story the channel posted: its read receipt reaches the channel (test keys only)',
    status: 200,
    response: SandboxStoryViewResultDto,
    errors: ['validation', 'not_found'],
    audit: { action: 'sandbox.story_view', resourceType: 'channel' },
    needs: 'active',
  })
  view(
    @Channel() channel: ChannelRef,
    @Param('storyId') storyId: string,
    @Body() body: SandboxStoryViewDto,
    @RequestId() requestId: string,
  ) {
    return this.stories.view(channel, storyId, body, requestId);
  }
}
