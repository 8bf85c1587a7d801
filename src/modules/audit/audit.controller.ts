import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
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
  @ApiRoute({
    summary: 'Mutating calls made with your keys, newest first (a channel-scoped key sees its channel only)',
    status: 200,
    response: AuditEventPageDto,
    errors: ['auth', 'validation'],
  })
  list(@CurrentKey() key: ApiKeyPrincipal, @Query() query: AuditEventsQueryDto) {
    return this.audit.list(key, query);
  }
}
