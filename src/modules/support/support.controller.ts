import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { setAuditChannel } from '../audit/audit.recorder';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import {
  CreateSupportTicketDto,
  SupportTicketDto,
  SupportTicketPageDto,
  SupportTicketsQueryDto,
} from './support.contracts';
import { SupportService } from './support.service';

@ApiTags('Support')
@ApiBearerAuth()
@Controller('v1/support/tickets')
export class SupportController {
  constructor(private readonly support: SupportService) {}

  @Post()
  @AuditAction('support_ticket.create', 'support_ticket')
  @ApiOperation({ summary: 'Open a support ticket' })
  @ApiErrorResponses('auth', 'validation', 'channel_scope', 'channel_reference')
  @ZodResponse({ status: 201, type: SupportTicketDto })
  create(@CurrentKey() key: ApiKeyPrincipal, @Body() body: CreateSupportTicketDto, @Res({ passthrough: true }) response: Response) {
    setAuditChannel(response, body.channel_id ?? key.channelId);
    return this.support.create(key, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your support tickets, newest first' })
  @ApiErrorResponses('auth', 'validation')
  @ZodResponse({ status: 200, type: SupportTicketPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: SupportTicketsQueryDto) {
    return this.support.list(key, query);
  }

  @Get(':ticketId')
  @ApiOperation({ summary: 'One support ticket' })
  @ApiErrorResponses('auth', 'not_found')
  @ZodResponse({ status: 200, type: SupportTicketDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('ticketId') ticketId: string) {
    return this.support.get(key, ticketId);
  }
}
