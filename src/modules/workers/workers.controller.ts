import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { ADMIN_SECURITY } from '../../platform/openapi/security-schemes';
import { AdminOnly } from '../../platform/http/route-access';
import { WorkerListDto } from './workers.contracts';
import { WorkersService } from './workers.service';

@ApiTags('Admin')
@ApiBearerAuth(ADMIN_SECURITY)
@AdminOnly()
@Controller('v1/admin/workers')
export class AdminWorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiRoute({
    summary: "The gateway's processes that sent a heartbeat lately, oldest first, with the channels each holds",
    status: 200,
    response: WorkerListDto,
    errors: ['admin'],
  })
  list() {
    return this.workers.list();
  }
}
