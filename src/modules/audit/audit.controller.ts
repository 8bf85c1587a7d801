import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { AuditEventPageDto, AuditEventsQueryDto } from './audit.contracts';
import { AuditService } from './audit.service';

@ApiTags('Audit events')
@ApiBearerAuth()
@Controller('v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Mutating calls made with your keys, newest first (a channel-scoped key sees its channel only)' })
  @ApiErrorResponses('auth', 'validation')
  @ZodResponse({ status: 200, type: AuditEventPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: AuditEventsQueryDto) {
    return this.audit.list(key, query);
  }
}
