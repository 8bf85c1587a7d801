import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiRoute } from '../../platform/openapi/api-route';
import { setAuditChannel } from '../audit/audit.recorder';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { CreateSupportTicketDto, SupportTicketDto, SupportTicketPageDto, SupportTicketsQueryDto } from './support.contracts';
import { SupportService } from './support.service';

@ApiTags('Support')
@ApiBearerAuth()
@Controller('v1/support/tickets')
export class SupportController {
  constructor(private readonly support: SupportService) {}

  @Post()
  @ApiRoute({
    summary: 'Open a support ticket',
    status: 201,
    response: SupportTicketDto,
    errors: ['auth', 'validation', 'channel_scope', 'channel_reference'],
    audit: { action: 'support_ticket.create', resourceType: 'support_ticket' },
  })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateSupportTicketDto, @Res({ passthrough: true }) response: Response) {
    setAuditChannel(response, body.channel_id ?? key.channelId);
    return this.support.create(key, body);
  }

  @Get()
  @ApiRoute({ summary: 'Your support tickets, newest first', status: 200, response: SupportTicketPageDto, errors: ['auth', 'validation'] })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: SupportTicketsQueryDto) {
    return this.support.list(key, query);
  }

  @Get(':ticketId')
  @ApiRoute({ summary: 'One support ticket', status: 200, response: SupportTicketDto, errors: ['auth', 'not_found'] })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('ticketId') ticketId: string) {
    return this.support.get(key, ticketId);
  }
}
