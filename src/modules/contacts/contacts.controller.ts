import { Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { parseRecipient } from '../whatsapp/jid';
import { ContactDto, ContactPageDto, LidPageDto, ListContactsQueryDto } from './contacts.contracts';
import { ContactsService } from './contacts.service';

const PROFILE_NEEDS_SOCKET = 'Profiles are looked up on WhatsApp';
/** Express has decoded the path segment once already; the JID is read as it is. */
const PROFILE_PATH_IDS = { jid: (jid: string) => parseRecipient(jid, ['jid']) };

@ApiTags('Contacts')
@ChannelController('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @ApiRoute({
    summary: 'Contacts backfilled from traffic (push names, phone numbers, LIDs), ordered by JID',
    status: 200,
    response: ContactPageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  list(@Channel() channel: ChannelRef, @Query() query: ListContactsQueryDto) {
    return this.contacts.list(channel, query);
  }

  @Get('lids')
  @ApiRoute({
    summary: 'The phone number ↔ LID map learnt so far',
    status: 200,
    response: LidPageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  lids(@Channel() channel: ChannelRef, @Query() query: ListContactsQueryDto) {
    return this.contacts.lids(channel, query);
  }

  @Get(':jid/profile')
  @ApiRoute({
    summary: 'The same refresh as POST, as a read: looks the profile up on WhatsApp now (connected channels)',
    status: 200,
    response: ContactDto,
    errors: ['validation'],
    needs: 'connected',
    connectedBecause: PROFILE_NEEDS_SOCKET,
    pathIds: PROFILE_PATH_IDS,
  })
  readProfile(@Channel() channel: ChannelRef, @Param('jid') jid: string) {
    return this.contacts.profile(channel, jid);
  }

  @Post(':jid/profile')
  @ApiRoute({
    summary: "Refresh a contact's profile from WhatsApp: about text, picture URL, whether the number has WhatsApp (connected channels)",
    status: 201,
    response: ContactDto,
    errors: ['validation'],
    audit: { action: 'contact.profile_refresh', resourceType: 'channel' },
    needs: 'connected',
    connectedBecause: PROFILE_NEEDS_SOCKET,
    pathIds: PROFILE_PATH_IDS,
  })
  profile(@Channel() channel: ChannelRef, @Param('jid') jid: string) {
    return this.contacts.profile(channel, jid);
  }
}
