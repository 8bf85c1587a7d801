import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import { AppError } from '../../platform/errors/app-error';
import { ErrorEnvelope } from '../../platform/errors/error-envelope';
import { Public } from '../../platform/http/route-access';
import { ApiRoute } from '../../platform/openapi/api-route';
import { LivenessDto, ReadinessBody, ReadinessDto } from './health.contracts';
import { DependencyIndicators } from './health.indicators';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: DependencyIndicators,
  ) {}

  @Get('live')
  @ApiRoute({ summary: 'Liveness: the process is up and serving HTTP', status: 200, response: LivenessDto })
  live() {
    return { status: 'ok' as const, uptime_seconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiRoute({
    summary: 'Readiness: the database and Redis answer; 503 with details when one does not',
    status: 200,
    response: ReadinessDto,
  })
  // Not an error code of its own: internal_error, answered 503 so that orchestrators read it as "not ready".
  @ApiResponse({ status: 503, type: ErrorEnvelope, description: 'Not ready: `internal_error`, with every check in `details`' })
  async ready() {
    try {
      const result = await this.health.check([() => this.indicators.database(), () => this.indicators.redisServer()]);
      return result as ReadinessBody;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown> };
      const down = Object.keys(result.error ?? {});
      throw new AppError('internal_error', `Not ready: ${down.join(', ') || 'a dependency'} is down.`, {
        status: 503,
        details: result,
      });
    }
  }
}
