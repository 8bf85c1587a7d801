import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { LimitsDto } from './rate-limits.contracts';
import { PeekRateLimit } from './rate-limit.guard';
import { RateLimitsService } from './rate-limits.service';

@ApiTags('Limits')
@ApiBearerAuth()
@Controller('v1/limits')
export class LimitsController {
  constructor(private readonly limits: RateLimitsService) {}

  @Get()
  @PeekRateLimit()
  @ApiRoute({
    summary: 'Current rate-limit budget of this key (does not consume a request)',
    status: 200,
    response: LimitsDto,
    errors: ['auth'],
  })
  async get(@CurrentKey() key: ApiKeyPrincipal) {
    const state = await this.limits.peek(key);
    return {
      plan: key.plan.id,
      rate_limit: {
        limit: state.limit,
        remaining: state.remaining,
        reset_seconds: state.resetSeconds,
        refill_per_second: key.plan.rateLimitPerSecond,
      },
      channel_limit: key.plan.channelLimit,
    };
  }
}
