import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { ContactDto, ContactPageDto, LidPageDto, ListContactsQueryDto } from './contacts.contracts';
import { ContactsService } from './contacts.service';

const ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

@ApiTags('Contacts')
@ApiBearerAuth()
@Controller('v1/channels/:channelId/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @ApiOperation({ summary: 'Contacts backfilled from traffic (push names, phone numbers, LIDs), ordered by JID' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: ContactPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: ListContactsQueryDto) {
    return this.contacts.list(key, channelId, query);
  }

  @Get('lids')
  @ApiOperation({ summary: 'The phone number ↔ LID map learnt so far' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: LidPageDto })
  lids(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: ListContactsQueryDto) {
    return this.contacts.lids(key, channelId, query);
  }

  @Get(':jid/profile')
  @ApiOperation({ summary: 'The same refresh as POST, as a read: looks the profile up on WhatsApp now (connected channels)' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 200, type: ContactDto })
  readProfile(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('jid') jid: string) {
    return this.contacts.profile(key, channelId, jid);
  }

  @Post(':jid/profile')
  @AuditAction('contact.profile_refresh', 'channel')
  @ApiOperation({ summary: 'Refresh a contact\'s profile from WhatsApp: about text, picture URL, whether the number has WhatsApp (connected channels)' })
  @ApiErrorResponses(...ERRORS, 'validation')
  @ZodResponse({ status: 201, type: ContactDto })
  profile(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('jid') jid: string) {
    return this.contacts.profile(key, channelId, jid);
  }
}
