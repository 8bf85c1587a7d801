import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorEnvelope } from '../../platform/errors/error-envelope';
import { HealthCheckService } from '@nestjs/terminus';
import { ZodResponse } from 'nestjs-zod';
import { AppError } from '../../platform/errors/app-error';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { Public } from '../../platform/http/route-access';
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
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiErrorResponses()
  @ZodResponse({ status: 200, type: LivenessDto })
  live() {
    return { status: 'ok' as const, uptime_seconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and Redis answer; 503 with details when one does not' })
  @ApiErrorResponses()
  @ApiResponse({ status: 503, type: ErrorEnvelope, description: 'Not ready: `internal_error`, with every check in `details`' })
  @ZodResponse({ status: 200, type: ReadinessDto })
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
