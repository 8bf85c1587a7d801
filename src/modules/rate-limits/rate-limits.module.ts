import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LimitsController } from './limits.controller';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitsService } from './rate-limits.service';

@Module({
  controllers: [LimitsController],
  providers: [RateLimitsService, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [RateLimitsService],
})
export class RateLimitsModule {}
