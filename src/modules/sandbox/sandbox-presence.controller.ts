import { Body, Injectable, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { SandboxNetwork } from '../../engine/sandbox/sandbox-network';
import { AppError } from '../../platform/errors/app-error';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseGroupJid } from '../whatsapp/jid';
import { TestKeyGuard } from './test-key.guard';

const PRESENCE_STATE = {
  online: 'available',
  offline: 'unavailable',
  typing: 'composing',
  recording: 'recording',
  paused: 'paused',
} as const;

export class SandboxPresenceDto extends createZodDto(
  z.object({
    from: z.string().regex(/^\+?[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551234567'),
    presence: z.enum(['online', 'offline', 'typing', 'recording', 'paused']),
    hide_last_seen: z.boolean().optional().describe("The contact's privacy: last seen shown to nobody (from now on)."),
    group: z
      .string()
      .optional()
      .describe('A chat state in this group (a group JID the contact is a member of) rather than in the chat with the channel.'),
  }),
) {}

export class SandboxPresenceResultDto extends createZodDto(
  z.object({ channel_id: z.string(), from: z.string(), presence: z.enum(['online', 'offline', 'typing', 'recording', 'paused']) }),
) {}

/** A simulated contact's presence and chat states, as the channel's devices see them. */
@Injectable()
export class SandboxPresenceService {
  constructor(private readonly network: SandboxNetwork) {}

  async set(channel: ChannelRef, body: SandboxPresenceDto) {
    if (!channel.phoneNumber) {
      throw new AppError('channel_unavailable', 'The channel is not paired with a simulated phone.', {
        details: { current_state: channel.state },
      });
    }
    const simulator = await this.network.simulator();
    const from = body.from.replace(/\D/g, '');
    if (body.hide_last_seen !== undefined) await simulator.hideLastSeen(from, body.hide_last_seen);
    if (body.group !== undefined) {
      await this.inGroup(from, body.group, body.presence);
      return { channel_id: channel.id, from: `+${from}`, presence: body.presence };
    }
    await simulator.setPresence(from, channel.phoneNumber.replace(/\D/g, ''), PRESENCE_STATE[body.presence]);
    return { channel_id: channel.id, from: `+${from}`, presence: body.presence };
  }

  /** A chat state in a group: shown to the group's other members; online and offline are not per chat. */
  private async inGroup(from: string, group: string, presence: SandboxPresenceDto['presence']): Promise<void> {
    const jid = parseGroupJid(group, ['group']);
    if (presence === 'online' || presence === 'offline') {
      throw new AppError('invalid_request', 'Invalid presence: in a group, only typing, recording and paused.', {
        details: { issues: [{ path: ['presence'], code: 'invalid_value', message: 'online and offline are not shown per group' }] },
      });
    }
    const info = await this.network.group(jid);
    if (!info) throw new AppError('not_found', `The sandbox network has no group ${jid}.`);
    if (!info.participants.some((member) => member.phone === from)) {
      throw new AppError('invalid_request', 'Invalid from: not a member of the group.', {
        details: { issues: [{ path: ['from'], code: 'not_member', message: 'not a member of the group' }] },
      });
    }
    const state = PRESENCE_STATE[presence];
    await (await this.network.simulator()).setGroupChatState(from, jid, state);
  }
}

@ApiTags('Sandbox')
@ChannelController('presence', { base: 'v1/sandbox/channels', before: [TestKeyGuard] })
export class SandboxPresenceController {
  constructor(private readonly presence: SandboxPresenceService) {}

  @Post()
  @ApiRoute({
    summary: "A simulated contact goes online or offline, or types / records in the channel's chat or a group (test keys only)",
    status: 200,
    response: SandboxPresenceResultDto,
    errors: ['validation', 'not_found'],
    needs: 'active',
  })
  set(@Channel() channel: ChannelRef, @Body() body: SandboxPresenceDto) {
    return this.presence.set(channel, body);
  }
}
